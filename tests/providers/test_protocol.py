"""The worker protocol's shapes and limits, line by line (no process)."""

from __future__ import annotations

import asyncio
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.records.events import Channel, Event, Failed, Started, TextDelta, UsageReport
from desktop.core.records.evidence import Citation, ReasoningBlock, WebSource
from desktop.core.records.model import Delivery, ErrorKind
from desktop.providers import protocol
from tests.providers.helpers import request_for


def test_every_op_reads_back_as_written() -> None:
    request = request_for("openai/m", "http://127.0.0.1:1/v1")
    ops: list[protocol.Op] = [
        protocol.Blob("ab" * 32, b"aGVsbG8="),
        protocol.Forget(("ab" * 32, "cd" * 32)),
        protocol.Start.of(request),
        protocol.Cancel("r1"),
        protocol.Stats(7),
        protocol.Shutdown(),
    ]
    for op in ops:
        line = b"".join(op.chunks())
        assert line.endswith(b"\n")
        assert line.count(b"\n") == 1
        assert protocol.parse_op(line) == op
    start = protocol.parse_op(b"".join(protocol.Start.of(request).chunks()))
    assert isinstance(start, protocol.Start)
    assert start.reply_request({}) == request


def test_every_message_reads_back_as_written() -> None:
    messages: list[protocol.Message] = [
        protocol.Ready(42),
        protocol.ReplyEvent("r1", Started()),
        protocol.ReplyEvent("r1", TextDelta("héllo \ud800 wörld")),  # a lone surrogate too
        protocol.ReplyEvent("r1", UsageReport(1, 2, 0.5)),
        protocol.ReplyEvent("r1", Failed(ErrorKind.AUTH, "no key")),
        protocol.WorkerStats(3, blobs=1, blob_bytes=10, blobs_received=2, replies=0),
    ]
    for message in messages:
        assert protocol.parse_message(message.line()) == message


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"not json\n", "a line of 9 bytes that is not JSON"),
        (b"\xff\xfe\n", "a line of 3 bytes that is not JSON"),
        (b"[1, 2]\n", "a JSON list where an object belongs"),
        (b'{"type": "surprise"}\n', "an unknown message type 'surprise'"),
        (b'{"type": "' + b"s" * 100 + b'"}\n', "an unknown message type 'sssssssss"),
        (b'{"type": "ready"}\n', "a message whose 'pid' is not a whole number"),
        (b'{"type": "event", "id": 5, "event": {}}\n', "a message whose 'id' is not a string"),
        (
            b'{"type": "event", "id": "r", "event": {"type": "dance"}}\n',
            "an event of an unknown type",
        ),
        (
            b'{"type": "event", "id": "r", "event": {"type": "delta"}}\n',
            "a delta event.text is missing",
        ),
        (
            b'{"type": "event", "id": "r", "event": {"type": "delta", "text": 5}}\n',
            "a delta event.text should be a string, not a number",
        ),
        (
            b'{"type": "event", "id": "r", "event": {"type": "usage", "prompt_tokens": true,'
            b' "completion_tokens": 1, "cost_usd": 0}}\n',
            "a usage event.prompt_tokens should be a count, not true/false",
        ),
        (
            b'{"type": "event", "id": "r", "event": {"type": "usage", "prompt_tokens": 1,'
            b' "completion_tokens": 1, "cost_usd": "free"}}\n',
            "a usage event.cost_usd should be an amount, not a string",
        ),
        (
            b'{"type": "event", "id": "r", "event": {"type": "finished",'
            b' "model_reported": ["x"]}}\n',
            "a finished event.model_reported should be a string, not a list",
        ),
        (
            b'{"type": "event", "id": "r", "event": {"type": "failed", "kind": "auth",'
            b' "message": null}}\n',
            "a failed event.message should be a string, not null",
        ),
        (
            b'{"type": "event", "id": "r", "event": {"type": "failed", "kind": "auth",'
            b' "message": "m", "retry_after": 1e999}}\n',
            "a failed event.retry_after is not an amount",
        ),
        (
            b'{"type": "event", "id": "r", "event": {"type": "delivered",'
            b' "deliveries": [{"attachment_id": 1, "how": "image", "note": "n"}]}}\n',
            "a delivered event.deliveries[0].attachment_id should be a string",
        ),
        (
            b'{"type": "event", "id": "r", "event": {"type": "delivered", "deliveries": "ab"}}\n',
            "a delivered event.deliveries should be a list, not a string",
        ),
        (b'{"type": "event", "id": "r", "event": {"type": []}}\n', "an event of an unknown type"),
        (
            b'{"type": "event", "id": "r", "event": {"type": "usage", "prompt_tokens": 1'
            + b"0" * 400
            + b', "completion_tokens": 1, "cost_usd": 0}}\n',
            "a usage event.prompt_tokens is not a count",
        ),
        (b"[" * 100_000 + b"\n", "a line of 100001 bytes that is not JSON"),
    ],
)
def test_a_bad_message_is_a_protocol_error_saying_how(line: bytes, reason: str) -> None:
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.parse_message(line)
    assert str(caught.value).startswith(reason)
    assert len(str(caught.value)) < 100, "a bad line is never quoted whole"


@pytest.mark.parametrize(
    "line",
    [
        b'{"op": "dance"}\n',
        b'{"op": "blob", "sha256": "ab", "data": "not base64!"}\n',
        b'{"op": "forget", "sha256": "ab"}\n',
        b'{"op": "start", "id": "r"}\n',
        b'{"op": "stats"}\n',
    ],
)
def test_a_bad_op_is_a_protocol_error(line: bytes) -> None:
    def read() -> None:
        op = protocol.parse_op(line)
        if isinstance(op, protocol.Blob):  # its data is checked when the worker decodes it
            op.decoded()

    with pytest.raises(protocol.ProtocolError):
        read()


def test_the_largest_file_fits_in_one_line_and_a_longer_line_is_refused() -> None:
    encoded = b"A" * (protocol.MAX_BLOB_BYTES * 4 // 3 + 4)
    assert sum(len(c) for c in protocol.Blob("ab" * 32, encoded).chunks()) <= protocol.MAX_LINE
    with pytest.raises(protocol.LineTooLong):
        protocol.Blob("ab" * 32, b"A" * protocol.MAX_LINE).chunks()
    with pytest.raises(protocol.LineTooLong):
        protocol.ReplyEvent("r", TextDelta("z" * protocol.MAX_LINE)).line()


async def test_reading_a_line_over_the_limit_is_a_protocol_error() -> None:
    reader = asyncio.StreamReader(limit=protocol.MAX_LINE)
    reader.feed_data(b"x" * (protocol.MAX_LINE + 1) + b"\n")
    with pytest.raises(protocol.ProtocolError, match="a line over the 64 MB limit"):
        await protocol.read_line(reader)


async def test_a_last_line_cut_short_reads_as_the_end() -> None:
    reader = asyncio.StreamReader(limit=protocol.MAX_LINE)
    reader.feed_data(b'{"type": "ready", "pid": 1}\n{"type": "rea')
    reader.feed_eof()
    assert await protocol.read_line(reader) == b'{"type": "ready", "pid": 1}\n'
    assert await protocol.read_line(reader) is None


# A valid value of each field type an event has; an event with a field of a new type
# fails here until its values are said (event_codecs.py declares each field's kind, too).
_VALUES: list[tuple[Any, st.SearchStrategy[Any]]] = [
    (str, st.text()),
    (str | None, st.none() | st.text()),
    (int | None, st.none() | st.integers(0, 10**12)),
    (float | None, st.none() | st.floats(0, 1e6)),
    (ErrorKind, st.sampled_from(ErrorKind)),
    (Channel, st.sampled_from(Channel)),
    (
        tuple[ReasoningBlock, ...],
        st.lists(
            st.builds(ReasoningBlock, st.text(), st.none() | st.text(), st.none() | st.text()),
            max_size=3,
        ).map(tuple),
    ),
    (
        tuple[Delivery, ...],
        st.lists(st.builds(Delivery, extra=st.just({})), max_size=3).map(tuple),
    ),
    (
        tuple[WebSource, ...],
        st.lists(
            st.builds(
                WebSource,
                st.text(),
                st.text(),
                st.lists(st.builds(Citation, st.integers(0, 10**6), st.integers(0, 10**6))),
                st.dictionaries(st.sampled_from(["page_age", "date"]), st.text()),
            ),
            max_size=3,
        ).map(tuple),
    ),
]


def _values_of(hint: Any) -> st.SearchStrategy[Any]:
    return next(values for known, values in _VALUES if known == hint)


def _any_event(kind: type[Event]) -> st.SearchStrategy[Event]:
    """An event of ``kind`` with every field drawn, the optional ones too."""
    hints = typing.get_type_hints(kind)
    return st.builds(kind, **{name: _values_of(hint) for name, hint in hints.items()})


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(typing.get_args(Event)).flatmap(_any_event))
def test_every_event_type_crosses_the_worker_boundary(event: Event) -> None:
    """Built from ``Event`` itself: a type added there is covered without touching this."""
    line = protocol.ReplyEvent("r1", event).line()
    parsed = protocol.parse_message(line)
    assert isinstance(parsed, protocol.ReplyEvent)
    assert type(parsed.event) is type(event)
    assert parsed.line() == line  # compared as written: NaN is not equal to itself
