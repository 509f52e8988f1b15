"""Autosave to the recovery file: what a crash would lose, written when it changed.

The document says what it holds (:class:`Autosaved`); the autosaver decides whether
anything changed since its last write, takes the snapshot of the session and the draft
on the loop's thread (a walk over objects, no JSON), and hands it to the writer, which
serialises and writes it on a worker thread. Writes share the document's lock with its
saves, so they land one at a time, in the order asked for.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

from desktop.core.records.model import Session
from desktop.core.session.recovery import Draft, RecoveryStore, Snapshot, for_recovery
from desktop.core.session.writing import Writer

AUTOSAVE_SECONDS = 2.0  # how often the window (and `ask`) asks for an autosave


class Autosaved(Protocol):
    """What the autosaver reads of the document it saves."""

    session: Session
    revision: int
    path: Path | None
    read_only: bool

    @property
    def dirty(self) -> bool:
        """The session has changes its file does not."""
        ...

    @property
    def draft(self) -> Draft:
        """What the composer holds unsent, read now."""
        ...


class Autosaver:
    """This instance's recovery file, kept up to date with what is not saved."""

    def __init__(self, store: RecoveryStore, writer: Writer, lock: asyncio.Lock) -> None:
        self.store = store
        self._writer, self._lock = writer, lock
        self._written: tuple[int, Draft, bool] | None = None  # revision, draft, closing
        self.discarded = False  # the user dropped her changes and has done nothing since
        self._discarded_draft = Draft()
        self._discards = 0  # counted, so a write can tell a discard came while it ran
        self.closing = False  # set on a clean quit, so the next start knows

    async def write(self, document: Autosaved) -> None:
        """Write the recovery file if what a crash would lose changed since the last
        write; remove it when nothing would be lost. Raises OSError when it cannot be
        written (SessionUnsavable among them: the file keeps what it had)."""
        from desktop.core.transcript import encode_for_save  # not for the first paint

        async with self._lock:
            draft = document.draft
            if self.discarded and draft == self._discarded_draft:
                return
            self.discarded = False
            state = (document.revision, draft, self.closing)
            if state == self._written:
                return
            if document.dirty or draft:
                kept = Snapshot(
                    draft, document.path, document.dirty, document.read_only, self.closing
                )
                encoded = encode_for_save(for_recovery(document.session, kept))
                discards = self._discards
                await self._writer(self.store.path, encoded)
                if self._discards != discards:  # discarded while it was written
                    await asyncio.to_thread(self.store.discard)
            else:
                await asyncio.to_thread(self.store.discard)
            self._written = state

    async def saved(self, revision: int, draft: Draft) -> None:
        """The session's own file now holds ``revision`` and nothing is typed: no
        recovery file is needed. Called under the lock, by the save."""
        await asyncio.to_thread(self.store.discard)
        self._written = (revision, draft, self.closing)

    def discard(self, draft: Draft) -> None:
        """The user chose to drop unsaved changes: nothing is to be recovered until she
        does something (``draft`` is what the composer held then)."""
        self.discarded = True
        self._discarded_draft = draft
        self._discards += 1
        self.store.discard()
