"""Transcript files: one self-contained JSON document per session.

``docs/transcript.md`` documents every field and ``docs/transcript.schema.json``
validates saved files. Loading keeps fields this version does not know and writes them
back; a file from a newer version opens read-only with a warning; a damaged or foreign
file raises :class:`TranscriptError` naming the file and the problem. Saving is atomic.

An older version is migrated on load, one registered step per version
(``migrations``). Modules: ``fields`` (every type's fields, written once, used both
ways, on the small codec in ``codec``), ``encode``, ``decode``, ``migrations`` and
``errors``; files are written by ``utils.atomic``.
"""

from __future__ import annotations

from desktop.core.transcript.decode import (
    MAX_FILE_BYTES,
    LoadedSession,
    check_savable,
    load_session,
    loads,
    session_from_dict,
)
from desktop.core.transcript.encode import (
    Encoded,
    chunks_of,
    dump_chunks,
    dumps,
    encode_for_save,
    save_session,
    session_to_dict,
)
from desktop.core.transcript.errors import SessionUnsavable, TranscriptError
from desktop.core.transcript.fields import FORMAT, VERSION
from desktop.core.transcript.migrations import MIGRATIONS, Migration, migrate

__all__ = [
    "FORMAT",
    "MAX_FILE_BYTES",
    "MIGRATIONS",
    "VERSION",
    "Encoded",
    "LoadedSession",
    "Migration",
    "SessionUnsavable",
    "TranscriptError",
    "check_savable",
    "chunks_of",
    "dump_chunks",
    "dumps",
    "encode_for_save",
    "load_session",
    "loads",
    "migrate",
    "save_session",
    "session_from_dict",
    "session_to_dict",
]
