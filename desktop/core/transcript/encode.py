"""Writing a session: the JSON document, its bytes, and the atomic save."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.records.blobs import base64_of
from desktop.core.records.model import Session
from desktop.core.transcript.decode import MAX_FILE_BYTES, check_savable
from desktop.core.transcript.errors import SessionUnsavable
from desktop.core.transcript.fields import SESSION
from desktop.core.utils.atomic import write_atomic


def _blobs(session: Session) -> dict[str, bytes]:
    """Each attachment's bytes in base64, once per sha256, in attachment order."""
    blobs: dict[str, bytes] = {}
    for a in session.attachments:
        if a.sha256 not in blobs:
            blobs[a.sha256] = base64_of(a)
    return blobs


def session_to_dict(session: Session) -> dict[str, Any]:
    """The JSON-ready document for a session (attachment bytes deduplicated by sha256)."""
    blobs = {sha: data.decode("ascii") for sha, data in _blobs(session).items()}
    return SESSION.encode(session, blobs=blobs)


def dumps(session: Session) -> bytes:
    """The session as UTF-8 JSON bytes."""
    return b"".join(dump_chunks(session))


def dump_chunks(session: Session) -> list[bytes]:
    """The session as UTF-8 JSON, in pieces that join into :func:`dumps`'s bytes.

    Raises SessionUnsavable when the loader would refuse what would be written (see
    :func:`check_savable`): nothing is written then, and the file keeps what it held.
    """
    return chunks_of(encode_for_save(session))


@dataclass(frozen=True)
class Encoded:
    """A session taken apart for saving: a snapshot the session's later changes do not
    reach (its strings are immutable, its lists and dicts are new), whose bytes can be
    made on another thread by :func:`chunks_of`."""

    document: dict[str, Any]  # the blobs left out, a marker in their place
    marker: bytes
    blobs: dict[str, bytes]  # sha256 -> base64, in attachment order
    own: dict[str, bytes]  # sha256 -> bytes: what the blobs stand for, to check against


def encode_for_save(session: Session) -> Encoded:
    """The snapshot of ``session`` to save, taken on the thread that changes it: a walk
    over its objects, no JSON and no copy of text (cheap for a 5 MB reply)."""
    marker = f'"blobs-{uuid.uuid4().hex}"'.encode("ascii")
    document = SESSION.encode(session, blobs=marker[1:-1].decode("ascii"))
    own = {a.sha256: a.data for a in session.attachments}
    return Encoded(document, marker, _blobs(session), own)


def chunks_of(encoded: Encoded) -> list[bytes]:
    """The bytes of an encoded session, in pieces (safe on any thread: it reads only the
    snapshot).

    The blobs (base64, already JSON-safe and cached per content) go in as pieces of
    their own instead of through json.dumps and one big join: escaping and copying tens
    of megabytes on every autosave stalled the window for a large part of a second.

    Raises SessionUnsavable when the loader would refuse what would be written.
    """
    check_savable(encoded.document, encoded.own)
    text = json.dumps(encoded.document, ensure_ascii=False, indent=1)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise SessionUnsavable("it holds text that is not Unicode (a lone surrogate)") from None
    head, tail = data.split(encoded.marker, 1)
    chunks = [head, b"{"]
    for number, (sha, blob) in enumerate(encoded.blobs.items()):
        chunks += [b',\n  "' if number else b'\n  "', sha.encode("ascii"), b'": "', blob, b'"']
    chunks += [b"\n }" if len(chunks) > 2 else b"}", tail]
    if sum(len(chunk) for chunk in chunks) > MAX_FILE_BYTES:
        raise SessionUnsavable("it would be over 1 GB, more than a transcript may be")
    return chunks


def save_session(session: Session, path: Path | str) -> None:
    """Write the session atomically (see :func:`write_atomic`); SessionUnsavable, with
    nothing written, when the loader would refuse it."""
    write_atomic(path, dumps(session))
