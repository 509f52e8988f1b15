"""Reading a session: from bytes or a file, checked, with fields it does not know kept."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.model import Session
from desktop.core.transcript.errors import DocumentProblem, TranscriptError
from desktop.core.transcript.fields import FORMAT, SESSION, VERSION
from desktop.core.transcript.migrations import migrate


@dataclass
class LoadedSession:
    """A session read from disk, with whether it may be saved back over its file."""

    session: Session
    read_only: bool = False
    warnings: list[str] = field(default_factory=list)


def session_from_dict(data: Any) -> Session:
    """Build a session from a parsed document; raises ValueError naming what is wrong."""
    try:
        session = SESSION.decode(data, "session")
        _check_references(session)
    except DocumentProblem as problem:
        raise ValueError(str(problem)) from None
    return session


def _check_references(session: Session) -> None:
    """Every seat and attachment a turn names is in the file (else it would open, then
    fail when shown or sent)."""
    seats = {seat.id for seat in session.seats}
    attachments = {a.id for a in session.attachments}
    for i, turn in enumerate(session.turns):
        for j, attachment_id in enumerate(turn.attachment_ids):
            if attachment_id not in attachments:
                raise DocumentProblem(
                    f"session.turns[{i}].attachments[{j}] names attachment {attachment_id!r}, "
                    "which is not in session.attachments"
                )
        for j, reply in enumerate(turn.replies):
            if reply.seat_id not in seats:
                raise DocumentProblem(
                    f"session.turns[{i}].replies[{j}].seat_id names seat {reply.seat_id!r}, "
                    "which is not in session.seats"
                )


def loads(raw: bytes, path: Path | str = "<transcript>") -> LoadedSession:
    """Parse transcript bytes, migrating an older version; raises TranscriptError naming
    ``path`` and the problem."""
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
    if not isinstance(version, int) or isinstance(version, bool):
        raise TranscriptError(path, f"unknown transcript version {version!r}")
    warnings = []
    read_only = version > VERSION
    if read_only:
        warnings.append(
            f"{path} was written by a newer Roundtable (transcript version {version}; this one "
            f"reads version {VERSION}). It is open read-only so nothing in it is lost."
        )
    try:
        session = session_from_dict(migrate(data, path))
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
