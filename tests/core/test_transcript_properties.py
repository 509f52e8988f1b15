"""Every model type round-trips through save and load with every field, unknown ones too.

One ``st.builds`` strategy per model type fills every field of the dataclass with a
value other than its default, lists with at least one item (so a field the transcript
forgot to write comes back as its default and fails the test), and ``extra`` with JSON
values under keys no version uses. Sessions are assembled consistent: replies name seats of the session, turns and
deliveries its attachments, and each attachment's sha256 is that of its bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.records.evidence import Citation, ReasoningBlock, SentWith, WebSource
from desktop.core.records.model import (
    Annotation,
    AnnotationKind,
    Attachment,
    AttachmentKind,
    ChairMode,
    Delivery,
    DeliveryHow,
    ErrorKind,
    Quote,
    ReasoningEffort,
    Reply,
    ReplyError,
    ReplyStatus,
    SearchContext,
    Seat,
    Session,
    Source,
    Turn,
    TurnKind,
    Usage,
)
from desktop.core.records.post_blocks import (
    AttributionBlock,
    ItemShow,
    Post,
    PostItem,
    ScoreboardBlock,
    ScoreLine,
    SectionBlock,
    TextBlock,
)
from desktop.core.transcript import dumps, loads
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "docs" / "transcript.schema.json").read_text())
MODEL_TYPES = (
    Seat,
    Attachment,
    Quote,
    Usage,
    ReasoningBlock,
    Citation,
    WebSource,
    SentWith,
    ReplyError,
    Delivery,
    Reply,
    Turn,
    Annotation,
    Post,
    PostItem,
    TextBlock,
    AttributionBlock,
    SectionBlock,
    ScoreLine,
    ScoreboardBlock,
    Source,
    Session,
)
# Every key any type writes: an unknown field must not be mistaken for one of them.
KNOWN_KEYS = {f.name for t in MODEL_TYPES for f in dataclasses.fields(t)} | {
    "format",
    "version",
    "blobs",
    "attachments",
    "size",
    "kind",
}

Fields = dict[str, st.SearchStrategy[Any]]

# Any Unicode but lone surrogates (which UTF-8 cannot hold): astral characters included.
texts = st.text(max_size=20)
ids = st.uuids().map(str)
counts = st.integers(min_value=0, max_value=10**9)
sizes = st.integers(min_value=1, max_value=100_000)
amounts = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
# Fixed offsets: a zone with daylight saving makes some local times compare unequal to
# the same instant at the same offset (PEP 495), which is not what is tested here.
offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1)
times = st.builds(
    lambda when, minutes: when.replace(tzinfo=timezone(timedelta(minutes=minutes))),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    offsets,
) | st.datetimes(timezones=st.just(UTC))
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(texts, inner, max_size=2),
    max_leaves=4,
)
extras = st.dictionaries(
    texts.filter(lambda key: key not in KNOWN_KEYS), json_values, min_size=1, max_size=2
)


def some_of(values: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True)


def seat_fields() -> Fields:
    return {
        "label": texts,
        "model": texts,
        "id": ids,
        "api_base": texts,
        "api_key_env": st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,30}", fullmatch=True),
        "system_prompt": texts,
        "temperature": st.floats(min_value=0, max_value=2),
        "max_tokens": sizes,
        "reasoning_effort": st.sampled_from(ReasoningEffort),
        "colour": texts,
        "removed": st.just(True),
        "vision": st.booleans(),
        "pdf": st.booleans(),
        "chair": st.booleans(),
        "web_search": st.booleans(),
        "search_context": st.sampled_from(SearchContext),
        "extra": extras,
    }


def attachment_fields(data: bytes) -> Fields:
    return {
        "name": texts,
        "mime_type": texts,
        "data": st.just(data),
        "sha256": st.just(hashlib.sha256(data).hexdigest()),
        "id": ids,
        "kind": st.sampled_from(AttachmentKind),
        "width": sizes,
        "height": sizes,
        "pages": sizes,
        "has_text": st.booleans(),
        "encoding": st.sampled_from(["UTF-8", "ISO-8859-1", "windows-1252", "UTF-16"]),
        "extra": extras,
    }


def quote_fields(seat_ids: list[str]) -> Fields:
    return {
        "seat_id": st.sampled_from(seat_ids),
        "reply_id": ids,
        "seat_label": texts,
        "text": texts,
        "sources": st.lists(st.builds(WebSource, **web_source_fields()), max_size=2),
        "reasoning": texts,
        "extra": extras,
    }


def citation_fields() -> Fields:
    return {"start": counts, "end": counts, "extra": extras}


def web_source_fields() -> Fields:
    return {
        "url": texts,
        "title": texts,
        "cited": st.lists(st.builds(Citation, **citation_fields()), max_size=2),
        "extra": extras,
    }


def usage_fields() -> Fields:
    return {
        "prompt_tokens": counts,
        "completion_tokens": counts,
        "reasoning_tokens": counts,
        "web_searches": counts,
        "search_fee_usd": amounts,
        "extra": extras,
    }


def reasoning_block_fields() -> Fields:
    return {"kind": texts, "signature": texts, "data": texts, "extra": extras}


def reply_error_fields() -> Fields:
    return {
        "kind": st.sampled_from(ErrorKind),
        "message": texts,
        "retry_after": amounts,
        "extra": extras,
    }


def delivery_fields(attachment_ids: list[str]) -> Fields:
    return {
        "attachment_id": st.sampled_from(attachment_ids),
        "how": st.sampled_from(DeliveryHow),
        "note": texts,
        "extra": extras,
    }


def sent_with_fields() -> Fields:
    return {
        "model": texts,
        "api_base": texts,
        "temperature": st.floats(min_value=0, max_value=2),
        "max_tokens": sizes,
        "reasoning_effort": texts,
        "web_search": st.booleans(),
        "search_context": texts,
        "extra": extras,
    }


def reply_fields(seat_ids: list[str], attachment_ids: list[str]) -> Fields:
    deliveries = st.lists(
        st.builds(Delivery, **delivery_fields(attachment_ids)), min_size=1, max_size=2
    )
    return {
        "seat_id": st.sampled_from(seat_ids),
        "id": ids,
        "status": st.sampled_from(ReplyStatus),
        "text": st.text(max_size=200),
        "reasoning": st.text(max_size=200),
        "reasoning_blocks": st.lists(
            st.builds(ReasoningBlock, **reasoning_block_fields()), max_size=2
        ),
        "sources": st.lists(st.builds(WebSource, **web_source_fields()), max_size=2),
        "error": st.builds(ReplyError, **reply_error_fields()),
        "started_at": times,
        "reasoning_started_at": times,
        "first_token_at": times,
        "finished_at": times,
        "finish_reason": texts,
        "usage": st.builds(Usage, **usage_fields()),
        "cost_usd": amounts,
        "model_reported": texts,
        "retry_of": ids,
        "deliveries": deliveries,
        "sent_with": st.builds(SentWith, **sent_with_fields()),
        "extra": extras,
    }


def turn_fields(seat_ids: list[str], attachment_ids: list[str]) -> Fields:
    return {
        "kind": st.sampled_from(TurnKind),
        "text": texts,
        "targets": some_of(seat_ids),
        "id": ids,
        "attachment_ids": some_of(attachment_ids),
        "quotes": st.lists(st.builds(Quote, **quote_fields(seat_ids)), min_size=1, max_size=2),
        "created_at": times,
        "replies": st.lists(
            st.builds(Reply, **reply_fields(seat_ids, attachment_ids)), min_size=1, max_size=3
        ),
        "mode": st.sampled_from(ChairMode),
        "anonymous": st.booleans(),
        "blind": st.booleans(),
        "extra": extras,
    }


def annotation_fields(target_ids: list[str]) -> Fields:
    return {
        "kind": st.sampled_from(AnnotationKind),
        "target_id": st.sampled_from(target_ids),
        "id": ids,
        "start": counts,
        "end": counts,
        "note": texts,
        "created_at": times,
        "exact": texts,
        "versus": st.sampled_from(target_ids),
        "tie": st.booleans(),
        "extra": extras,
    }


def item_fields(turn_ids: list[str], reply_ids: list[str]) -> Fields:
    return {
        "turn_id": st.sampled_from(turn_ids),
        "reply_id": st.sampled_from(reply_ids),
        "prompt": texts,
        "show": st.sampled_from(ItemShow),
        "start": counts,
        "end": counts,
        "reasoning": st.booleans(),
        "extra": extras,
    }


def text_block_fields() -> Fields:
    return {"markdown": st.text(max_size=200), "extra": extras}


def attribution_fields() -> Fields:
    return {"text": texts, "extra": extras}


def section_fields(seat_ids: list[str], turn_ids: list[str], reply_ids: list[str]) -> Fields:
    items = st.builds(PostItem, **item_fields(turn_ids, reply_ids))
    return {
        "seat_id": st.sampled_from(seat_ids),
        "id": ids,
        "heading": texts,
        "reaction": texts,
        "items": st.lists(items, min_size=1, max_size=3),
        "extra": extras,
    }


def score_line_fields() -> Fields:
    return {
        "model": texts,
        "label": texts,
        "votes": counts,
        "wins": counts,
        "losses": counts,
        "ties": counts,
        "strength": amounts,
        "low": amounts,
        "high": amounts,
        "peer_rank": amounts,
        "stars": counts,
        "reactions": counts,
        "extra": extras,
    }


def scoreboard_fields() -> Fields:
    return {
        "lines": st.lists(st.builds(ScoreLine, **score_line_fields()), max_size=3),
        "taken_at": times,
        "tag": texts,
        "extra": extras,
    }


def post_fields(ids_in_session: list[str]) -> Fields:
    blocks = st.lists(
        st.builds(TextBlock, **text_block_fields())
        | st.builds(AttributionBlock, **attribution_fields())
        | st.builds(SectionBlock, **section_fields(ids_in_session, ids_in_session, ids_in_session))
        | st.builds(ScoreboardBlock, **scoreboard_fields()),
        min_size=3,
        max_size=5,
    )
    return {
        "title": texts,
        "subtitle": texts,
        "blocks": blocks,
        "excluded_ids": some_of(ids_in_session),
        "extra": extras,
    }


def source_fields(seats: list[Seat], turns: list[Turn]) -> Fields:
    return {
        "session_id": ids,
        "title": texts,
        "created_at": times,
        "seats": st.just(seats),
        "turns": st.just(turns),
        "extra": extras,
    }


def session_fields(
    seats: list[Seat],
    attachments: list[Attachment],
    turns: list[Turn],
    sources: list[Source] | None = None,
) -> Fields:
    targets = [s.id for s in seats] + [t.id for t in turns]
    targets += [r.id for t in turns for r in t.replies]
    return {
        "title": texts,
        "id": ids,
        "created_at": times,
        "updated_at": times,
        "seats": st.just(seats),
        "turns": st.just(turns),
        "attachments": st.just(attachments),
        "annotations": st.lists(
            st.builds(Annotation, **annotation_fields(targets)), min_size=1, max_size=3
        ),
        "post": st.builds(Post, **post_fields(targets)),
        "sources": st.just(sources or []),
        "tags": st.lists(texts, max_size=3),
        "budget_usd": st.none() | st.floats(min_value=0, max_value=1e6),
        "extra": extras,
    }


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    seats = draw(st.lists(st.builds(Seat, **seat_fields()), min_size=1, max_size=3))
    attachments = [
        draw(st.builds(Attachment, **attachment_fields(data)))
        for data in draw(st.lists(st.binary(max_size=64), min_size=1, max_size=3))
    ]
    seat_ids = [s.id for s in seats]
    attachment_ids = [a.id for a in attachments]
    turns = draw(
        st.lists(st.builds(Turn, **turn_fields(seat_ids, attachment_ids)), min_size=1, max_size=3)
    )
    their_seats = draw(st.lists(st.builds(Seat, **seat_fields()), min_size=1, max_size=2))
    their_ids = [seat.id for seat in their_seats]
    their_turns = draw(
        st.lists(st.builds(Turn, **turn_fields(their_ids, attachment_ids)), min_size=1, max_size=2)
    )
    source = draw(st.builds(Source, **source_fields(their_seats, their_turns)))
    fields = session_fields(seats, attachments, turns, [source])
    session: Session = draw(st.builds(Session, **fields))
    return session


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions())
def test_every_type_round_trips_with_every_field(session: Session) -> None:
    raw = dumps(session)
    jsonschema.validate(json.loads(raw), SCHEMA, format_checker=jsonschema.FormatChecker())
    assert loads(raw).session == session


def test_the_strategies_fill_every_field_of_every_model_type() -> None:
    # A field added to the model must be added here too, or the round trip never sees it.
    seat = Seat("s", "m")
    turn = Turn(TurnKind.PROMPT, "t", [seat.id])
    given_fields = {
        Seat: seat_fields(),
        Attachment: attachment_fields(b""),
        Quote: quote_fields([seat.id]),
        Usage: usage_fields(),
        ReasoningBlock: reasoning_block_fields(),
        Citation: citation_fields(),
        WebSource: web_source_fields(),
        SentWith: sent_with_fields(),
        ReplyError: reply_error_fields(),
        Delivery: delivery_fields(["a"]),
        Reply: reply_fields([seat.id], ["a"]),
        Turn: turn_fields([seat.id], ["a"]),
        Annotation: annotation_fields([seat.id]),
        Post: post_fields([seat.id]),
        PostItem: item_fields([turn.id], ["r"]),
        TextBlock: text_block_fields(),
        AttributionBlock: attribution_fields(),
        SectionBlock: section_fields([seat.id], [turn.id], ["r"]),
        ScoreLine: score_line_fields(),
        ScoreboardBlock: scoreboard_fields(),
        Source: source_fields([seat], [turn]),
        Session: session_fields([seat], [], [turn]),
    }
    assert set(given_fields) == set(MODEL_TYPES)
    for model_type, fields in given_fields.items():
        assert set(fields) == {f.name for f in dataclasses.fields(model_type)}, model_type
