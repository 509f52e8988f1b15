"""Transcript format v1: round trips, unknown fields, versions, damage, atomic saves."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core import transcript
from desktop.core.attachments import describe, read_attachment, save_attachment_out, text_of
from desktop.core.records.evidence import ReasoningBlock
from desktop.core.records.model import (
    Annotation,
    AnnotationKind,
    Attachment,
    AttachmentKind,
    Delivery,
    DeliveryHow,
    ErrorKind,
    Quote,
    ReasoningEffort,
    Reply,
    ReplyError,
    ReplyStatus,
    Seat,
    Session,
    Turn,
    TurnKind,
    Usage,
)
from desktop.core.records.post_blocks import (
    AttributionBlock,
    Post,
    PostItem,
    SectionBlock,
    TextBlock,
)
from desktop.core.transcript import TranscriptError, load_session, loads, save_session
from tests import attachment_files as files
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "docs" / "transcript.schema.json").read_text())


def validate(document: dict[str, Any]) -> None:
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())


def sample_session() -> Session:
    a = Seat("Claude", "anthropic/claude-sonnet-4-5", system_prompt="Be brief.", temperature=0.3)
    b = Seat("GPT", "openai/gpt-4o", api_base="http://localhost:1/v1", max_tokens=500, vision=False)
    data = b"%PDF-1.4 fake"
    att = Attachment(
        "paper.pdf",
        "application/pdf",
        data,
        hashlib.sha256(data).hexdigest(),
        kind=AttachmentKind.PDF,
        pages=4,
        has_text=True,
    )
    twin = Attachment("copy.pdf", "application/pdf", data, att.sha256)
    first = Turn(
        TurnKind.PROMPT,
        "Is 🍕 a sandwich? 日本語 مرحبا",
        [a.id, b.id],
        attachment_ids=[att.id, twin.id],
    )
    ok = Reply(
        a.id,
        status=ReplyStatus.COMPLETE,
        text="No.",
        usage=Usage(10, 2),
        cost_usd=0.0001,
        deliveries=[
            Delivery(att.id, DeliveryHow.PDF_NATIVE, "sent as the PDF itself (4 pages)"),
            Delivery(twin.id, DeliveryHow.PDF_TEXT, "sent as extracted text, 4 pages"),
        ],
    )
    cut = Reply(
        b.id,
        status=ReplyStatus.ERROR,
        text="Partial",
        error=ReplyError(ErrorKind.NETWORK, "cut off"),
        usage=None,
        cost_usd=None,
    )
    first.replies = [ok, cut]
    second = Turn(
        TurnKind.FORWARD, "Thoughts?", [b.id], quotes=[Quote(a.id, ok.id, "Claude", "No.")]
    )
    second.replies = [Reply(b.id, status=ReplyStatus.STOPPED, text="Hmm")]
    return Session(
        title="Sandwich",
        seats=[a, b],
        turns=[first, second],
        attachments=[att, twin],
        annotations=[Annotation(AnnotationKind.REACTION, a.id, note="🎤")],
        post=Post(
            title="Post",
            subtitle="Sub",
            blocks=[
                TextBlock("Intro"),
                AttributionBlock(),
                SectionBlock(b.id, items=[PostItem(second.id)]),
            ],
            excluded_ids=[cut.id],
        ),
    )


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    session = sample_session()
    path = tmp_path / "s.json"
    save_session(session, path)
    loaded = load_session(path)
    assert loaded.session == session
    assert not loaded.read_only
    assert loaded.warnings == []


def test_saved_file_validates_against_the_schema_and_dedupes_blobs(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    save_session(sample_session(), path)
    document = json.loads(path.read_text(encoding="utf-8"))
    validate(document)
    assert len(document["attachments"]) == 2
    assert len(document["blobs"]) == 1
    # Unknown means null, never a made-up zero.
    cut = document["turns"][0]["replies"][1]
    assert cut["cost_usd"] is None
    assert cut["usage"] is None


def test_the_schema_rejects_a_broken_document(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    save_session(sample_session(), path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["turns"][0]["replies"][0]["status"] = "finished-ish"
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def test_a_file_from_before_attachment_facts_and_deliveries_still_loads(tmp_path: Path) -> None:
    document = transcript.session_to_dict(sample_session())
    for seat in document["seats"]:
        del seat["vision"], seat["pdf"]
    for attachment in document["attachments"]:
        for key in ("kind", "width", "height", "pages", "has_text", "encoding"):
            del attachment[key]
    for turn in document["turns"]:
        for reply in turn["replies"]:
            del reply["deliveries"]
    validate(document)
    session = loads(json.dumps(document).encode()).session
    assert [(s.vision, s.pdf) for s in session.seats] == [(None, None), (None, None)]
    assert session.attachments[0].kind is None
    assert session.attachments[0].pages is None
    assert session.turns[0].replies[0].deliveries == []


def test_unknown_fields_are_kept_and_written_back(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    save_session(sample_session(), path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["future_top"] = {"x": [1, 2]}
    document["seats"][0]["voice"] = "alto"
    document["turns"][0]["replies"][0]["mood"] = "hidden"
    document["turns"][0]["replies"][0]["usage"]["cached_tokens"] = 7
    document["post"]["theme"] = "dark"
    path.write_text(json.dumps(document), encoding="utf-8")

    save_session(load_session(path).session, tmp_path / "again.json")
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["future_top"] == {"x": [1, 2]}
    assert again["seats"][0]["voice"] == "alto"
    assert again["turns"][0]["replies"][0]["mood"] == "hidden"
    assert again["turns"][0]["replies"][0]["usage"]["cached_tokens"] == 7
    assert again["post"]["theme"] == "dark"


def test_a_newer_version_opens_read_only_with_a_warning(tmp_path: Path) -> None:
    document = transcript.session_to_dict(sample_session())
    document["version"] = 7
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    loaded = load_session(path)
    assert loaded.read_only
    assert "newer" in loaded.warnings[0]
    assert str(path) in loaded.warnings[0]


def _damaged(tmp_path: Path, raw: bytes) -> TranscriptError:
    path = tmp_path / "damaged.json"
    path.write_bytes(raw)
    with pytest.raises(TranscriptError) as caught:
        load_session(path)
    assert str(path) in str(caught.value)
    return caught.value


def _document_with(change: Any) -> bytes:
    document = transcript.session_to_dict(sample_session())
    change(document)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"format": "roundtable.session", "version": 1, "id": ', "not valid JSON at line 1"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"hello": "world"}', "not a Roundtable transcript"),
        (b"[1, 2, 3]", "not a Roundtable transcript"),
        (b'{"format": "roundtable.session", "version": "one"}', "unknown transcript version"),
        (
            _document_with(lambda d: d["turns"][0]["replies"][0].update(status="exploded")),
            "session.turns[0].replies[0].status is 'exploded'",
        ),
        (
            _document_with(lambda d: d["seats"][1].pop("model")),
            "session.seats[1].model is missing",
        ),
        (
            _document_with(lambda d: d["turns"][0].update(targets="everyone")),
            "session.turns[0].targets should be a list, not a string",
        ),
        (_document_with(lambda d: d.update(blobs={})), "bytes (blobs["),
        (
            _document_with(lambda d: d["blobs"].update({k: "aGVsbG8=" for k in d["blobs"]})),
            "do not match their sha256",
        ),
        (
            _document_with(lambda d: d["turns"][0].update(created_at="yesterday")),
            "is not a date and time",
        ),
        (
            _document_with(
                lambda d: d["turns"][0]["replies"][0]["deliveries"][0].update(how="sms")
            ),
            "session.turns[0].replies[0].deliveries[0].how is 'sms'",
        ),
        (
            _document_with(lambda d: d["attachments"][0].update(kind="video")),
            "session.attachments[0].kind is 'video'",
        ),
        (
            _document_with(lambda d: d["seats"][0].update(vision="yes")),
            "session.seats[0].vision should be true, false or null, not a string",
        ),
        (
            _document_with(lambda d: d["turns"][0]["attachments"].append("gone")),
            "session.turns[0].attachments[2] names attachment 'gone', which is not in",
        ),
        (
            _document_with(lambda d: d["turns"][0]["replies"][0].update(seat_id="nobody")),
            "session.turns[0].replies[0].seat_id names seat 'nobody', which is not in",
        ),
    ],
)
def test_damaged_or_foreign_files_get_a_clear_error(
    tmp_path: Path, raw: bytes, expected: str
) -> None:
    error = _damaged(tmp_path, raw)
    assert expected in error.problem


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match=r"nope\.json"):
        load_session(tmp_path / "nope.json")


def test_saving_is_atomic_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.json"
    save_session(sample_session(), path)
    before = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    changed = sample_session()
    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        save_session(changed, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_a_huge_reply_round_trips(tmp_path: Path) -> None:
    session = sample_session()
    session.turns[0].replies[0].text = "ж🙂" * 2_000_000
    path = tmp_path / "huge.json"
    save_session(session, path)
    assert load_session(path).session == session


# -- property tests --------------------------------------------------------------------

texts = st.text(max_size=200)
times = st.datetimes(timezones=st.just(UTC))
opt_float = st.none() | st.floats(min_value=0, max_value=1e6, allow_nan=False)
opt_int = st.none() | st.integers(min_value=0, max_value=10**9)


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    seats = [
        Seat(
            label=draw(texts),
            model=draw(texts),
            api_base=draw(st.none() | texts),
            system_prompt=draw(st.none() | texts),
            temperature=draw(opt_float),
            max_tokens=draw(opt_int),
            reasoning_effort=draw(st.none() | st.sampled_from(ReasoningEffort)),
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    for seat in seats:
        seat.vision = draw(st.none() | st.booleans())
        seat.pdf = draw(st.none() | st.booleans())
    blobs = draw(st.lists(st.binary(max_size=64), max_size=3))
    attachments = [
        Attachment(
            draw(texts),
            "application/octet-stream",
            b,
            hashlib.sha256(b).hexdigest(),
            kind=draw(st.none() | st.sampled_from(AttachmentKind)),
            width=draw(st.none() | st.integers(1, 10_000)),
            pages=draw(st.none() | st.integers(1, 10_000)),
            has_text=draw(st.none() | st.booleans()),
            encoding=draw(st.none() | st.sampled_from(["UTF-8", "ISO-8859-1"])),
        )
        for b in blobs
    ]
    turns = []
    for _ in range(draw(st.integers(0, 3))):
        targets = [
            s.id
            for s in draw(st.lists(st.sampled_from(seats), min_size=1, unique_by=lambda s: s.id))
        ]
        turn = Turn(
            kind=draw(st.sampled_from(TurnKind)),
            text=draw(texts),
            targets=targets,
            attachment_ids=[a.id for a in attachments],
            created_at=draw(times),
            quotes=[Quote(targets[0], "r", draw(texts), draw(texts))]
            if draw(st.booleans())
            else [],
        )
        for seat_id in targets:
            error = None
            if draw(st.booleans()):
                error = ReplyError(draw(st.sampled_from(ErrorKind)), draw(texts), draw(opt_float))
            turn.replies.append(
                Reply(
                    seat_id=seat_id,
                    status=draw(st.sampled_from(ReplyStatus)),
                    text=draw(st.text()),
                    reasoning=draw(st.text()),
                    reasoning_blocks=draw(
                        st.lists(
                            st.builds(ReasoningBlock, texts, st.none() | texts, st.none() | texts),
                            max_size=2,
                        )
                    ),
                    error=error,
                    started_at=draw(st.none() | times),
                    reasoning_started_at=draw(st.none() | times),
                    first_token_at=draw(st.none() | times),
                    finished_at=draw(st.none() | times),
                    finish_reason=draw(st.none() | texts),
                    usage=draw(st.none() | st.builds(Usage, opt_int, opt_int, opt_int)),
                    cost_usd=draw(opt_float),
                    model_reported=draw(st.none() | texts),
                    deliveries=[
                        Delivery(a.id, draw(st.sampled_from(DeliveryHow)), draw(texts))
                        for a in attachments
                    ],
                )
            )
        turns.append(turn)
    return Session(
        title=draw(texts),
        created_at=draw(times),
        updated_at=draw(times),
        seats=seats,
        turns=turns,
        attachments=attachments,
        annotations=[
            Annotation(draw(st.sampled_from(AnnotationKind)), seats[0].id, note=draw(texts))
        ],
        post=Post(title=draw(texts), blocks=[TextBlock(draw(st.text()))]),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions())
def test_random_sessions_round_trip(session: Session) -> None:
    raw = transcript.dumps(session)
    validate(json.loads(raw))
    assert loads(raw).session == session


def test_attachments_reopen_on_another_machine_from_the_json_alone(tmp_path: Path) -> None:
    here = tmp_path / "here"
    here.mkdir()
    (here / "photo.jpg").write_bytes(files.jpeg(40, 30, orientation=6))
    (here / "paper.pdf").write_bytes(files.text_pdf("One", "Two"))
    (here / "notes.txt").write_bytes("Déjà vu\n".encode("latin-1"))
    attached = [read_attachment(here / n) for n in ("photo.jpg", "paper.pdf", "notes.txt")]
    session = sample_session()
    session.attachments = attached
    session.turns[0].attachment_ids = [a.id for a in attached]
    session.turns[0].replies[0].deliveries = [
        Delivery(attached[0].id, DeliveryHow.IMAGE, "sent as an image"),
        Delivery(attached[1].id, DeliveryHow.PDF_TEXT, "sent as extracted text, 2 pages"),
        Delivery(attached[2].id, DeliveryHow.TEXT_INLINE, "sent as text (ISO-8859-1, 1 line)"),
    ]
    raw = transcript.dumps(session)
    validate(json.loads(raw))
    for path in here.iterdir():
        path.unlink()
    here.rmdir()

    # "Another machine": only the JSON document, none of the files.
    reopened = loads(raw).session
    assert reopened == session
    photo, paper, notes = reopened.attachments
    assert describe(photo) == "JPEG image · 30×40 · 770 bytes"
    assert describe(paper) == f"PDF · 2 pages · {paper.size} bytes"
    assert (describe(notes), text_of(notes)) == ("Text (ISO-8859-1) · 8 bytes", "Déjà vu\n")
    assert [d.how for d in reopened.turns[0].replies[0].deliveries] == [
        DeliveryHow.IMAGE,
        DeliveryHow.PDF_TEXT,
        DeliveryHow.TEXT_INLINE,
    ]
    save_attachment_out(photo, tmp_path / "saved-out.jpg")
    assert (tmp_path / "saved-out.jpg").read_bytes() == files.jpeg(40, 30, orientation=6)


def test_a_session_the_loader_would_refuse_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    session = sample_session()
    save_session(session, path)
    before = path.read_bytes()
    twice = session.turns[0].replies[0].id
    session.turns[-1].replies[-1].id = twice  # two answers with one id
    with pytest.raises(transcript.SessionUnsavable, match="replies use the id") as refused:
        save_session(session, path)
    assert isinstance(refused.value, OSError), "every caller that reports a failed save says so"
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"], "no temporary file left"
    session = sample_session()
    session.turns[0].targets.append("no-such-seat")
    with pytest.raises(transcript.SessionUnsavable, match="no-such-seat"):
        transcript.dump_chunks(session)
    session = sample_session()
    session.title = "lone \ud800 surrogate"
    with pytest.raises(transcript.SessionUnsavable, match="not Unicode"):
        transcript.dumps(session)


@pytest.mark.parametrize("kind", ["fifo", "device", "sparse"])
def test_a_fifo_a_device_or_a_huge_file_is_refused_without_being_read(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "s.json"
    if kind == "fifo":
        os.mkfifo(path)
        expected = "pipe"
    elif kind == "device":
        path.symlink_to("/dev/zero")
        expected = "device"
    else:
        with open(path, "wb") as out:
            out.truncate(transcript.MAX_FILE_BYTES + 1)  # sparse: no disk used
        expected = "too large"
    with pytest.raises(TranscriptError, match=expected):
        load_session(path)  # a read would hang (FIFO) or fill the memory
