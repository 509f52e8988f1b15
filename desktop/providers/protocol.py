"""The provider worker's protocol: every message between the window and the worker.

The window's client (``worker_client``) and the worker (``worker``) speak JSON lines:
one UTF-8 JSON object a line, each line at most :data:`MAX_LINE` bytes. Both build and
read lines only here, so each shape is written once.

Window → worker (the worker's stdin), by ``op``::

    {"op": "blob", "sha256": S, "data": BASE64}    an attachment's bytes, once per worker
    {"op": "forget", "sha256": [S, ...]}           drop those bytes (the window may resend)
    {"op": "start", "id": R, "request": {...}}     stream reply R (ReplyRequest.to_dict,
                                                   attachments named by sha256)
    {"op": "cancel", "id": R}                      stop reply R
    {"op": "stats", "id": N}                       answer with a stats message
    {"op": "key", "provider": P, "key": K|null}    use K for P's calls until exit (a key
                                                   kept for this session only), or stop
    {"op": "shutdown"}                             finish, close connections, exit

Worker → window (its stdout), by ``type``::

    {"type": "ready", "pid": N}                    warm: requests are served from now
    {"type": "event", "id": R, "event": {...}}     one event of reply R (event_codecs.encode)
    {"type": "stats", "id": N, "blobs": N, "blob_bytes": N, "blobs_received": N,
     "replies": N}

A line that is not JSON, has the wrong shape, names an unknown op, type or event, or is
longer than :data:`MAX_LINE` is a :class:`ProtocolError`. The window then fails every
reply in flight with a clear message (the text that arrived is kept) and restarts the
worker; the worker, given such a line, says so on stderr and exits, which the window
handles the same way. stderr is for diagnostics only and never part of the protocol.

Memory on both sides is bounded by the limits below.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from desktop.core.attachments import MAX_FILE_SIZE, MB
from desktop.core.records.events import Channel, Event, ReplyRequest
from desktop.providers.event_codecs import checked_event, encode

# The longest line either side writes or reads; readers are made with this limit.
MAX_LINE = 64 * MB
# The largest attachment that crosses as one blob line: the largest file any attachment
# limit may allow. Its base64 (4/3 of it) and the line's wrapping must fit MAX_LINE.
MAX_BLOB_BYTES = MAX_FILE_SIZE
# The worker stops a reply past this many characters (about 2,000 pages) with a clear
# error: a runaway stream must not fill the worker's, the pipe's and the window's memory.
MAX_REPLY_CHARS = 8_000_000
# The same bound for what a model thinks before answering (a thought is text too, and
# a runaway one must not fill memory either).
MAX_REASONING_CHARS = 8_000_000
MAX_CHARS = {Channel.ANSWER: MAX_REPLY_CHARS, Channel.REASONING: MAX_REASONING_CHARS}
# The most source events' entries the worker passes on for one reply (a source named
# again with a new citation counts again); a provider that lists more has the rest
# dropped, so a runaway list cannot fill memory either.
MAX_SOURCES = 20_000
# Attachment bytes the worker keeps for later requests; past it, the window tells it to
# forget the least recently used ones (and sends them again if a request needs them).
BLOB_BUDGET = 100 * MB


class ProtocolError(Exception):
    """A line that breaks the protocol; ``str()`` says how, without quoting it."""


class LineTooLong(ProtocolError):
    """A line this side was about to write is over :data:`MAX_LINE`."""

    def __init__(self, size: int) -> None:
        super().__init__(f"a line of {size / MB:.0f} MB, over the {MAX_LINE // MB} MB limit")
        self.size = size


class MissingBlob(Exception):
    """A start names attachment bytes the worker does not have."""

    def __init__(self, sha256: str) -> None:
        super().__init__(sha256)
        self.sha256 = sha256


def _line(message: Mapping[str, Any]) -> bytes:
    # A lone surrogate (models do send them) cannot be UTF-8: it goes as a JSON \\u escape.
    line = json.dumps(message, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n"
    if len(line) > MAX_LINE:
        raise LineTooLong(len(line))
    return line


# -- window → worker ------------------------------------------------------------------


@dataclass(frozen=True)
class Blob:
    """An attachment's bytes, in base64 (the window keeps that form cached)."""

    sha256: str
    base64: bytes

    def chunks(self) -> tuple[bytes, ...]:
        """The line in pieces: base64 needs no JSON escaping, so it is never copied."""
        head = b'{"op": "blob", "sha256": ' + json.dumps(self.sha256).encode("ascii")
        parts = (head + b', "data": "', self.base64, b'"}\n')
        size = sum(len(p) for p in parts)
        if size > MAX_LINE:
            raise LineTooLong(size)
        return parts

    def decoded(self) -> bytes:
        """The bytes; ProtocolError if the data is not base64."""
        try:
            return base64.b64decode(self.base64, validate=True)
        except binascii.Error as exc:
            raise ProtocolError(f"a blob whose data is not base64 ({exc})") from None


@dataclass(frozen=True)
class Forget:
    sha256s: tuple[str, ...]

    def chunks(self) -> tuple[bytes, ...]:
        return (_line({"op": "forget", "sha256": list(self.sha256s)}),)


@dataclass(frozen=True)
class Start:
    """Stream one reply; the request names its attachments by sha256 (sent as blobs)."""

    reply_id: str
    request: dict[str, Any]

    @classmethod
    def of(cls, request: ReplyRequest) -> Start:
        return cls(request.reply_id, request.to_dict(with_bytes=False))

    def chunks(self) -> tuple[bytes, ...]:
        return (_line({"op": "start", "id": self.reply_id, "request": self.request}),)

    def reply_request(self, blobs: Mapping[str, bytes]) -> ReplyRequest:
        """The request with its attachments' bytes from ``blobs``.

        MissingBlob when one is not there; ProtocolError when the request is malformed.
        """
        attachments = self.request.get("attachments", ())
        if not isinstance(attachments, list):
            raise ProtocolError("a start whose attachments are not a list")
        for attachment in attachments:
            sha256 = attachment.get("sha256") if isinstance(attachment, dict) else None
            if not isinstance(sha256, str):
                raise ProtocolError("a start naming an attachment without a sha256")
            if "data" not in attachment and sha256 not in blobs:
                raise MissingBlob(sha256)
        try:
            return ReplyRequest.from_dict(self.request, blobs)
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolError(f"a malformed start ({type(exc).__name__}: {exc})") from None


@dataclass(frozen=True)
class Cancel:
    reply_id: str

    def chunks(self) -> tuple[bytes, ...]:
        return (_line({"op": "cancel", "id": self.reply_id}),)


@dataclass(frozen=True)
class Stats:
    """Ask for a :class:`WorkerStats` with the same ``request_id``."""

    request_id: int

    def chunks(self) -> tuple[bytes, ...]:
        return (_line({"op": "stats", "id": self.request_id}),)


@dataclass(frozen=True)
class Shutdown:
    def chunks(self) -> tuple[bytes, ...]:
        return (_line({"op": "shutdown"}),)


@dataclass(frozen=True)
class UseKey:
    """A key for this session only (never stored), or None to drop it."""

    provider: str
    key: str | None

    def chunks(self) -> tuple[bytes, ...]:
        return (_line({"op": "key", "provider": self.provider, "key": self.key}),)


MAX_KEY = 4096  # longer than any provider's key

Op = Blob | Forget | Start | Cancel | Stats | Shutdown | UseKey


def parse_op(line: bytes) -> Op:
    """One window → worker line as an op; ProtocolError when it is not one."""
    data = _object(line)
    op = data.get("op")
    if op == "blob":
        return Blob(_str(data, "sha256"), _str(data, "data").encode("ascii", "replace"))
    if op == "forget":
        sha256s = data.get("sha256")
        if not isinstance(sha256s, list) or not all(isinstance(s, str) for s in sha256s):
            raise ProtocolError("a forget whose sha256 is not a list of strings")
        return Forget(tuple(sha256s))
    if op == "start":
        request = data.get("request")
        if not isinstance(request, dict):
            raise ProtocolError("a start without a request object")
        return Start(_str(data, "id"), request)
    if op == "cancel":
        return Cancel(_str(data, "id"))
    if op == "stats":
        return Stats(_int(data, "id"))
    if op == "shutdown":
        return Shutdown()
    if op == "key":
        key = data.get("key")
        if key is not None and (not isinstance(key, str) or len(key) > MAX_KEY):
            raise ProtocolError("a key op whose key is not a string of a key's length")
        return UseKey(_str(data, "provider"), key)
    raise ProtocolError(f"an unknown op {_short(op)}")


# -- worker → window ------------------------------------------------------------------


@dataclass(frozen=True)
class Ready:
    pid: int

    def line(self) -> bytes:
        return _line({"type": "ready", "pid": self.pid})


@dataclass(frozen=True)
class ReplyEvent:
    reply_id: str
    event: Event

    def line(self) -> bytes:
        return _line({"type": "event", "id": self.reply_id, "event": encode(self.event)})


@dataclass(frozen=True)
class WorkerStats:
    """What the worker holds: attachment bytes kept, and replies streaming."""

    request_id: int
    blobs: int
    blob_bytes: int
    blobs_received: int  # blob ops received since it started
    replies: int

    def line(self) -> bytes:
        counts = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "request_id"}
        return _line({"type": "stats", "id": self.request_id, **counts})


Message = Ready | ReplyEvent | WorkerStats


def parse_message(line: bytes) -> Message:
    """One worker → window line as a message; ProtocolError when it is not one."""
    data = _object(line)
    kind = data.get("type")
    if kind == "ready":
        return Ready(_int(data, "pid"))
    if kind == "event":
        reply_id = _str(data, "id")
        try:
            event = checked_event(data.get("event"))
        except ValueError as exc:
            raise ProtocolError(str(exc)) from None
        return ReplyEvent(reply_id, event)
    if kind == "stats":
        counts = {f.name: _int(data, f.name) for f in fields(WorkerStats) if f.name != "request_id"}
        return WorkerStats(request_id=_int(data, "id"), **counts)
    raise ProtocolError(f"an unknown message type {_short(kind)}")


# -- reading --------------------------------------------------------------------------


async def read_line(reader: asyncio.StreamReader) -> bytes | None:
    """The next whole line, or None at the end of the output.

    ``reader`` must have been made with ``limit=MAX_LINE``: a longer line is a
    ProtocolError. A last line cut short (the other side died while writing) counts as
    the end: the process's exit explains it better than its half line.
    """
    try:
        line = await reader.readline()
    except ValueError:  # what StreamReader.readline raises for a line over its limit
        raise ProtocolError(f"a line over the {MAX_LINE // MB} MB limit") from None
    return line if line.endswith(b"\n") else None


def _object(line: bytes) -> dict[str, Any]:
    try:
        data = json.loads(line)
    # JSONDecodeError and UnicodeDecodeError are ValueErrors; deep nesting is a
    # RecursionError, and the reader must survive it like any other bad line.
    except (ValueError, RecursionError):
        raise ProtocolError(f"a line of {len(line)} bytes that is not JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError(f"a JSON {type(data).__name__} where an object belongs")
    return data


def _str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ProtocolError(f"a message whose {key!r} is not a string")
    return value


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProtocolError(f"a message whose {key!r} is not a whole number")
    return value


def _short(value: object) -> str:
    """A name from a bad line, cut short: the line may be huge or say anything."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
