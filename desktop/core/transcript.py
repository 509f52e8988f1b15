"""Transcript files: one self-contained JSON document per session (format v1).

``docs/transcript.md`` documents every field and ``docs/transcript.schema.json``
validates saved files. Loading keeps fields this version does not know and writes them
back; a file from a newer version opens read-only with a warning; a damaged or foreign
file raises :class:`TranscriptError` naming the file and the problem. Saving is atomic.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from desktop.core.blobs import base64_of
from desktop.core.model import (
    Annotation,
    AnnotationKind,
    Attachment,
    AttachmentKind,
    Delivery,
    DeliveryHow,
    ErrorKind,
    PostSettings,
    Quote,
    Reply,
    ReplyError,
    ReplyStatus,
    Seat,
    Session,
    Turn,
    TurnKind,
    Usage,
)

FORMAT = "roundtable.session"
VERSION = 1

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


class TranscriptError(Exception):
    """A transcript file that cannot be read; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


@dataclass
class LoadedSession:
    """A session read from disk, with whether it may be saved back over its file."""

    session: Session
    read_only: bool = False
    warnings: list[str] = field(default_factory=list)


# -- writing ---------------------------------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _seat(s: Seat) -> dict[str, Any]:
    return {
        **s.extra,
        "id": s.id,
        "label": s.label,
        "model": s.model,
        "api_base": s.api_base,
        "api_key_env": s.api_key_env,
        "system_prompt": s.system_prompt,
        "temperature": s.temperature,
        "max_tokens": s.max_tokens,
        "colour": s.colour,
        "removed": s.removed,
        "vision": s.vision,
        "pdf": s.pdf,
    }


def _reply(r: Reply) -> dict[str, Any]:
    return {
        **r.extra,
        "id": r.id,
        "seat_id": r.seat_id,
        "status": r.status.value,
        "text": r.text,
        "error": None
        if r.error is None
        else {
            **r.error.extra,
            "kind": r.error.kind.value,
            "message": r.error.message,
            "retry_after": r.error.retry_after,
        },
        "started_at": _time(r.started_at),
        "first_token_at": _time(r.first_token_at),
        "finished_at": _time(r.finished_at),
        "usage": None
        if r.usage is None
        else {
            **r.usage.extra,
            "prompt_tokens": r.usage.prompt_tokens,
            "completion_tokens": r.usage.completion_tokens,
        },
        "cost_usd": r.cost_usd,
        "model_reported": r.model_reported,
        "retry_of": r.retry_of,
        "deliveries": [
            {**d.extra, "attachment_id": d.attachment_id, "how": d.how.value, "note": d.note}
            for d in r.deliveries
        ],
    }


def _attachment(a: Attachment) -> dict[str, Any]:
    return {**a.extra, **a.facts(), "size": a.size}


def _turn(t: Turn) -> dict[str, Any]:
    return {
        **t.extra,
        "id": t.id,
        "kind": t.kind.value,
        "text": t.text,
        "targets": list(t.targets),
        "attachments": list(t.attachment_ids),
        "quotes": [
            {
                **q.extra,
                "seat_id": q.seat_id,
                "reply_id": q.reply_id,
                "seat_label": q.seat_label,
                "text": q.text,
            }
            for q in t.quotes
        ],
        "created_at": _time(t.created_at),
        "replies": [_reply(r) for r in t.replies],
    }


def session_to_dict(session: Session) -> dict[str, Any]:
    """The JSON-ready document for a session (attachment bytes deduplicated by sha256)."""
    blobs = {sha: data.decode("ascii") for sha, data in _blobs(session).items()}
    return _document(session, blobs)


def _blobs(session: Session) -> dict[str, bytes]:
    blobs: dict[str, bytes] = {}
    for a in session.attachments:
        if a.sha256 not in blobs:
            blobs[a.sha256] = base64_of(a)
    return blobs


def _document(session: Session, blobs: object) -> dict[str, Any]:
    """The document, with ``blobs`` as the value of its "blobs" field."""
    return {
        **session.extra,
        "format": FORMAT,
        "version": VERSION,
        "id": session.id,
        "title": session.title,
        "created_at": _time(session.created_at),
        "updated_at": _time(session.updated_at),
        "seats": [_seat(s) for s in session.seats],
        "turns": [_turn(t) for t in session.turns],
        "attachments": [_attachment(a) for a in session.attachments],
        "blobs": blobs,
        "annotations": [
            {
                **n.extra,
                "id": n.id,
                "kind": n.kind.value,
                "target_id": n.target_id,
                "start": n.start,
                "end": n.end,
                "note": n.note,
                "created_at": _time(n.created_at),
            }
            for n in session.annotations
        ],
        "post": {
            **session.post.extra,
            "title": session.post.title,
            "intro": session.post.intro,
            "outro": session.post.outro,
            "excluded_ids": list(session.post.excluded_ids),
        },
    }


def dumps(session: Session) -> bytes:
    """The session as UTF-8 JSON bytes."""
    return b"".join(dump_chunks(session))


def dump_chunks(session: Session) -> list[bytes]:
    """The session as UTF-8 JSON, in pieces that join into :func:`dumps`'s bytes.

    The blobs (base64, already JSON-safe and cached per content) go in as pieces of
    their own instead of through json.dumps and one big join: escaping and copying tens
    of megabytes on every autosave stalled the window for a large part of a second.
    Write the pieces with :func:`write_atomic`, off the UI thread.
    """
    marker = f'"blobs-{uuid.uuid4().hex}"'.encode("ascii")
    text = json.dumps(
        _document(session, marker[1:-1].decode("ascii")), ensure_ascii=False, indent=1
    )
    head, tail = text.encode("utf-8").split(marker, 1)
    chunks = [head, b"{"]
    for number, (sha, data) in enumerate(_blobs(session).items()):
        chunks += [b',\n  "' if number else b'\n  "', sha.encode("ascii"), b'": "', data, b'"']
    chunks += [b"\n }" if len(chunks) > 2 else b"}", tail]
    return chunks


def save_session(session: Session, path: Path | str) -> None:
    """Write the session atomically (see :func:`write_atomic`)."""
    write_atomic(path, dumps(session))


def write_atomic(path: Path | str, data: bytes | Sequence[bytes]) -> None:
    """Write bytes (or pieces of them, in order) atomically: a temporary file in the
    same folder, fsync, rename.

    A crash at any moment leaves either the old file or the new one, never a mix.
    Safe to call from a worker thread with what :func:`dumps` or :func:`dump_chunks` made.
    """
    pieces = [data] if isinstance(data, bytes) else data
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in pieces:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# -- reading ---------------------------------------------------------------------------


class _Problem(Exception):
    """A structural problem at a JSON path, turned into a TranscriptError by the loader."""


class _Reader:
    """Typed access to one JSON object, naming the path of anything wrong."""

    def __init__(self, data: Any, where: str, known: tuple[str, ...]) -> None:
        if not isinstance(data, dict):
            raise _Problem(f"{where} should be an object, not {_type_name(data)}")
        self.data = data
        self.where = where
        self.extra = {k: v for k, v in data.items() if k not in known}

    def _get(self, key: str, kinds: tuple[type, ...], what: str, optional: bool) -> Any:
        if key not in self.data:
            if optional:
                return None
            raise _Problem(f"{self.where}.{key} is missing")
        value = self.data[key]
        if value is None and optional:
            return None
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise _Problem(f"{self.where}.{key} should be {what}, not {_type_name(value)}")
        return value

    def string(self, key: str) -> str:
        value: str = self._get(key, (str,), "a string", False)
        return value

    def opt_str(self, key: str) -> str | None:
        value: str | None = self._get(key, (str,), "a string", True)
        return value

    def opt_bool(self, key: str) -> bool:
        """A true/false field that may be absent (absent means false)."""
        value: bool | None = self._get(key, (bool,), "true or false", True)
        return bool(value)

    def opt_flag(self, key: str) -> bool | None:
        """A true/false field where null (or absent) means "not said"."""
        value: bool | None = self._get(key, (bool,), "true, false or null", True)
        return value

    def opt_enum(self, key: str, enum: type[E]) -> E | None:
        if self.data.get(key) is None:
            return None
        return self.enum(key, enum)

    def opt_int(self, key: str) -> int | None:
        value: int | None = self._get(key, (int,), "a whole number", True)
        return value

    def opt_float(self, key: str) -> float | None:
        value = self._get(key, (int, float), "a number", True)
        return None if value is None else float(value)

    def array(self, key: str) -> list[Any]:
        value: list[Any] = self._get(key, (list,), "a list", False)
        return value

    def strings(self, key: str) -> list[str]:
        items = self.array(key)
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise _Problem(
                    f"{self.where}.{key}[{i}] should be a string, not {_type_name(item)}"
                )
        return items

    def time(self, key: str) -> datetime:
        value = self.opt_time(key)
        if value is None:
            raise _Problem(f"{self.where}.{key} is missing")
        return value

    def opt_time(self, key: str) -> datetime | None:
        text = self.opt_str(key)
        if text is None:
            return None
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise _Problem(f"{self.where}.{key} is not a date and time: {text!r}") from None

    def enum(self, key: str, enum: type[E]) -> E:
        text = self.string(key)
        try:
            return enum(text)
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            raise _Problem(f"{self.where}.{key} is {text!r}; expected one of {allowed}") from None

    def objects(self, key: str, parse: Callable[[Any, str], T]) -> list[T]:
        return [parse(item, f"{self.where}.{key}[{i}]") for i, item in enumerate(self.array(key))]


def _type_name(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true/false",
        type(None): "null",
    }
    return names.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


_SEAT_KEYS = (
    "id",
    "label",
    "model",
    "api_base",
    "api_key_env",
    "system_prompt",
    "temperature",
    "max_tokens",
    "colour",
    "removed",
    "vision",
    "pdf",
)


def _read_seat(data: Any, where: str) -> Seat:
    r = _Reader(data, where, _SEAT_KEYS)
    return Seat(
        id=r.string("id"),
        label=r.string("label"),
        model=r.string("model"),
        api_base=r.opt_str("api_base"),
        api_key_env=r.opt_str("api_key_env"),
        system_prompt=r.opt_str("system_prompt"),
        temperature=r.opt_float("temperature"),
        max_tokens=r.opt_int("max_tokens"),
        colour=r.opt_str("colour"),
        removed=r.opt_bool("removed"),
        vision=r.opt_flag("vision"),
        pdf=r.opt_flag("pdf"),
        extra=r.extra,
    )


def _read_reply(data: Any, where: str) -> Reply:
    r = _Reader(
        data,
        where,
        (
            "id", "seat_id", "status", "text", "error", "started_at", "first_token_at",
            "finished_at", "usage", "cost_usd", "model_reported", "retry_of", "deliveries",
        ),
    )  # fmt: skip
    error = None
    if r.data.get("error") is not None:
        e = _Reader(r.data["error"], f"{where}.error", ("kind", "message", "retry_after"))
        error = ReplyError(
            e.enum("kind", ErrorKind), e.string("message"), e.opt_float("retry_after"), e.extra
        )
    usage = None
    if r.data.get("usage") is not None:
        u = _Reader(r.data["usage"], f"{where}.usage", ("prompt_tokens", "completion_tokens"))
        usage = Usage(u.opt_int("prompt_tokens"), u.opt_int("completion_tokens"), u.extra)
    return Reply(
        id=r.string("id"),
        seat_id=r.string("seat_id"),
        status=r.enum("status", ReplyStatus),
        text=r.string("text"),
        error=error,
        started_at=r.opt_time("started_at"),
        first_token_at=r.opt_time("first_token_at"),
        finished_at=r.opt_time("finished_at"),
        usage=usage,
        cost_usd=r.opt_float("cost_usd"),
        model_reported=r.opt_str("model_reported"),
        retry_of=r.opt_str("retry_of"),
        deliveries=r.objects("deliveries", _read_delivery) if "deliveries" in r.data else [],
        extra=r.extra,
    )


def _read_delivery(data: Any, where: str) -> Delivery:
    r = _Reader(data, where, ("attachment_id", "how", "note"))
    return Delivery(
        r.string("attachment_id"), r.enum("how", DeliveryHow), r.string("note"), r.extra
    )


def _read_quote(data: Any, where: str) -> Quote:
    r = _Reader(data, where, ("seat_id", "reply_id", "seat_label", "text"))
    return Quote(
        r.string("seat_id"), r.string("reply_id"), r.string("seat_label"), r.string("text"), r.extra
    )


def _read_turn(data: Any, where: str) -> Turn:
    r = _Reader(
        data,
        where,
        ("id", "kind", "text", "targets", "attachments", "quotes", "created_at", "replies"),
    )
    return Turn(
        id=r.string("id"),
        kind=r.enum("kind", TurnKind),
        text=r.string("text"),
        targets=r.strings("targets"),
        attachment_ids=r.strings("attachments"),
        quotes=r.objects("quotes", _read_quote),
        created_at=r.time("created_at"),
        replies=r.objects("replies", _read_reply),
        extra=r.extra,
    )


def _read_annotation(data: Any, where: str) -> Annotation:
    r = _Reader(data, where, ("id", "kind", "target_id", "start", "end", "note", "created_at"))
    return Annotation(
        id=r.string("id"),
        kind=r.enum("kind", AnnotationKind),
        target_id=r.string("target_id"),
        start=r.opt_int("start"),
        end=r.opt_int("end"),
        note=r.string("note"),
        created_at=r.time("created_at"),
        extra=r.extra,
    )


def _read_attachments(r: _Reader) -> list[Attachment]:
    blobs = r.data.get("blobs", {})
    if not isinstance(blobs, dict):
        raise _Problem(f"{r.where}.blobs should be an object, not {_type_name(blobs)}")
    out = []
    for i, item in enumerate(r.array("attachments")):
        where = f"{r.where}.attachments[{i}]"
        a = _Reader(
            item,
            where,
            (
                "id", "name", "mime_type", "size", "sha256", "kind", "width", "height", "pages",
                "has_text", "encoding",
            ),
        )  # fmt: skip
        sha = a.string("sha256")
        encoded = blobs.get(sha)
        if not isinstance(encoded, str):
            raise _Problem(f"{where}: its bytes (blobs[{sha[:12]}…]) are missing from the file")
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise _Problem(f"blobs[{sha[:12]}…] is not valid base64") from None
        if hashlib.sha256(data).hexdigest() != sha:
            raise _Problem(f"{where} ({a.string('name')!r}): its bytes do not match their sha256")
        out.append(
            Attachment(
                id=a.string("id"),
                name=a.string("name"),
                mime_type=a.string("mime_type"),
                data=data,
                sha256=sha,
                kind=a.opt_enum("kind", AttachmentKind),
                width=a.opt_int("width"),
                height=a.opt_int("height"),
                pages=a.opt_int("pages"),
                has_text=a.opt_flag("has_text"),
                encoding=a.opt_str("encoding"),
                extra=a.extra,
            )
        )
    return out


def session_from_dict(data: Any) -> Session:
    """Build a session from a parsed document; raises ValueError naming what is wrong."""
    try:
        return _session(data)
    except _Problem as problem:
        raise ValueError(str(problem)) from None


def _session(data: Any) -> Session:
    r = _Reader(
        data,
        "session",
        (
            "format", "version", "id", "title", "created_at", "updated_at", "seats", "turns",
            "attachments", "blobs", "annotations", "post",
        ),
    )  # fmt: skip
    post_data = r.data.get("post") or {}
    p = _Reader(post_data, "session.post", ("title", "intro", "outro", "excluded_ids"))
    post = PostSettings(
        title=p.opt_str("title") or "",
        intro=p.opt_str("intro") or "",
        outro=p.opt_str("outro") or "",
        excluded_ids=p.strings("excluded_ids") if "excluded_ids" in post_data else [],
        extra=p.extra,
    )
    session = Session(
        id=r.string("id"),
        title=r.string("title"),
        created_at=r.time("created_at"),
        updated_at=r.time("updated_at"),
        seats=r.objects("seats", _read_seat),
        turns=r.objects("turns", _read_turn),
        attachments=_read_attachments(r),
        annotations=r.objects("annotations", _read_annotation) if "annotations" in r.data else [],
        post=post,
        extra=r.extra,
    )
    _check_references(session)
    return session


def _check_references(session: Session) -> None:
    """Every seat and attachment a turn names is in the file (else it would open, then
    fail when shown or sent)."""
    seats = {seat.id for seat in session.seats}
    attachments = {a.id for a in session.attachments}
    for i, turn in enumerate(session.turns):
        for j, attachment_id in enumerate(turn.attachment_ids):
            if attachment_id not in attachments:
                raise _Problem(
                    f"session.turns[{i}].attachments[{j}] names attachment {attachment_id!r}, "
                    "which is not in session.attachments"
                )
        for j, reply in enumerate(turn.replies):
            if reply.seat_id not in seats:
                raise _Problem(
                    f"session.turns[{i}].replies[{j}].seat_id names seat {reply.seat_id!r}, "
                    "which is not in session.seats"
                )


def loads(raw: bytes, path: Path | str = "<transcript>") -> LoadedSession:
    """Parse transcript bytes; raises TranscriptError naming ``path`` and the problem."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TranscriptError(path, f"not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            path, f"damaged: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TranscriptError(
            path, 'not a Roundtable transcript (no "format": "roundtable.session")'
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TranscriptError(path, f"unknown transcript version {version!r}")
    warnings = []
    read_only = version > VERSION
    if read_only:
        warnings.append(
            f"{path} was written by a newer Roundtable (transcript version {version}; this one "
            f"reads version {VERSION}). It is open read-only so nothing in it is lost."
        )
    try:
        session = session_from_dict(data)
    except ValueError as exc:
        raise TranscriptError(path, f"damaged: {exc}") from None
    return LoadedSession(session, read_only, warnings)


def load_session(path: Path | str) -> LoadedSession:
    """Read a transcript file; raises TranscriptError naming the file and the problem."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise TranscriptError(path, exc.strerror or str(exc)) from None
    return loads(raw, path)
