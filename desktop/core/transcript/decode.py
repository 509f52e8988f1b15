"""Reading a session: from bytes or a file, checked, with fields it does not know kept."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.records.model import Session
from desktop.core.transcript.errors import DocumentProblem, SessionUnsavable, TranscriptError
from desktop.core.transcript.fields import FORMAT, SESSION, VERSION, OwnBlobs
from desktop.core.transcript.migrations import migrate
from desktop.core.utils.regular_files import FileRefused, read_regular_file

# The largest transcript file read or written: far above any real session (files of 30
# MB a turn, a thousand turns of text), and low enough that a file of gigabytes, or a
# sparse one, is refused before it is read into memory.
MAX_FILE_BYTES = 1024 * 1024 * 1024
TOO_LARGE = "is too large to be a transcript (over 1 GB); nothing was read from it"


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
    """Ids are unique, and every seat and attachment a turn names is in the file (else
    it would open, then fail when shown or sent, or act on the wrong reply). Exchanges
    copied from other sessions (``sources``) are checked the same way, against their own
    seats; their ids are unique together with the session's, so any lookup is too."""
    groups = [("session", session.seats, session.turns)]
    groups += [(f"session.sources[{i}]", s.seats, s.turns) for i, s in enumerate(session.sources)]
    _unique("the seats", [seat.id for _, seats, _ in groups for seat in seats])
    _unique("session.attachments", [a.id for a in session.attachments])
    _unique("the turns", [turn.id for _, _, turns in groups for turn in turns])
    _unique("the replies", [r.id for _, _, turns in groups for t in turns for r in t.replies])
    attachments = {a.id for a in session.attachments}
    for where, seat_list, turns in groups:
        seats = {seat.id for seat in seat_list}
        for i, turn in enumerate(turns):
            at = f"{where}.turns[{i}]"
            for j, target in enumerate(turn.targets):
                if target not in seats:
                    raise DocumentProblem(
                        f"{at}.targets[{j}] names seat {target!r}, which is not in {where}.seats"
                    )
            for j, attachment_id in enumerate(turn.attachment_ids):
                if attachment_id not in attachments:
                    raise DocumentProblem(
                        f"{at}.attachments[{j}] names attachment {attachment_id!r}, "
                        "which is not in session.attachments"
                    )
            for j, reply in enumerate(turn.replies):
                if reply.seat_id not in seats:
                    raise DocumentProblem(
                        f"{at}.replies[{j}].seat_id names seat {reply.seat_id!r}, "
                        f"which is not in {where}.seats"
                    )


def _unique(where: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for found in ids:
        if found in seen:
            raise DocumentProblem(f"{where} use the id {found!r} twice")
        seen.add(found)


def _unsavable_text(data: Any) -> str | None:
    """Where the parsed document holds a string that cannot be written as UTF-8 (a
    lone surrogate from a \\ud800 escape: it loads, then every save fails), or None."""
    stack: list[tuple[str, Any]] = [("session", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return where
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    continue
                stack.append((where, key))
                stack.append((f"{where}.{key}", item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
    return None


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
    except RecursionError:
        raise TranscriptError(path, "damaged: nested deeper than any transcript is") from None
    except ValueError:  # the one other ValueError: an integer longer than Python reads
        raise TranscriptError(path, "damaged: a number thousands of digits long") from None
    unsavable = _unsavable_text(data)
    if unsavable is not None:
        raise TranscriptError(
            path, f"damaged: {unsavable} holds text that is not Unicode (a lone surrogate)"
        )
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
    """Read a transcript file; raises TranscriptError naming the file and the problem
    (also for a FIFO, a device or a file over ``MAX_FILE_BYTES``, none of them read)."""
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES, TOO_LARGE)
    except FileRefused as refused:
        raise TranscriptError(path, str(refused)) from None
    except OSError as exc:
        raise TranscriptError(path, exc.strerror or str(exc)) from None
    return loads(raw, path)


def check_savable(document: dict[str, Any], own: Mapping[str, bytes]) -> None:
    """SessionUnsavable unless ``document`` (a session encoded, its blobs left out, the
    attachments' bytes ``own`` by sha256) reads back as the loader would read it: ids
    unique, every reference found, every field of its type."""
    checked = {**document, "blobs": OwnBlobs(dict(own))}
    try:
        session_from_dict(checked)
    except ValueError as exc:
        raise SessionUnsavable(str(exc)) from None
