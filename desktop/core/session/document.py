"""The session document: the one owner of a session and everything about it.

The window and the CLI both hold one. It owns the session, its file, whether it is
read-only, a revision counter (dirty means the revision differs from the one last
saved, so a change that arrives while a save is being written keeps it dirty), the
attachment limits, and the building of every kind of turn. The engine runs turns, the
:class:`~desktop.core.session.autosaver.Autosaver` keeps the recovery file, and the
unsent draft is read from where it is typed (``read_draft_from``) when it is saved.
Every change is reported to the listeners as a typed
:mod:`~desktop.core.records.changes` object.

All methods run on the event loop's thread; a save takes a snapshot there and the
writer serialises and writes it on a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core.attachments.limits import DEFAULT_LIMITS, AttachmentLimits
from desktop.core.records.changes import (
    Change,
    Listener,
    Problem,
    ReplyAdded,
    ReplyChanged,
    ReplyPart,
    Saved,
    SeatsChanged,
    SessionReplaced,
    StateChanged,
    TurnAdded,
)
from desktop.core.records.events import Gateway
from desktop.core.records.model import Attachment, Reply, Seat, Session, Turn
from desktop.core.session import turns
from desktop.core.session.autosaver import Autosaver
from desktop.core.session.engine import Engine
from desktop.core.session.recovery import Draft, Recovered, RecoveryStore
from desktop.core.session.writing import Writer, off_thread
from desktop.core.utils.stamps import now

if TYPE_CHECKING:
    from desktop.core.transcript import LoadedSession
    from desktop.core.trust import Approvals

# desktop.core.transcript is imported where a file is read or written: the window's
# first paint can do without it.


class SessionDocument:
    """A session, its file and its state; see the module's docstring."""

    def __init__(
        self,
        gateway: Gateway,
        session: Session | None = None,
        *,
        recovery: RecoveryStore | None = None,
        limits: AttachmentLimits = DEFAULT_LIMITS,
        autosave_in_place: bool = False,
        approvals: Approvals | None = None,
        writer: Writer | None = None,
    ) -> None:
        """``recovery`` is where autosaves go (the window); with ``autosave_in_place``
        autosaves write the session's own file instead (the CLI, which has one). With
        ``approvals``, seats send only to endpoints the user approved (see ``trust``).
        ``writer`` writes every file (by default off the loop's thread, atomically)."""
        self.engine = Engine(gateway, self._reply_changed, approvals)
        self.approvals = approvals
        self.recovery = recovery
        self.limits = limits
        self.autosave_in_place = autosave_in_place
        self.session = session or Session()
        self.path: Path | None = None
        self.read_only = False
        self.revision = 0
        self._saved_revision = 0
        self._draft = Draft()  # what is unsent when no composer holds it (the CLI, tests)
        self._draft_source: Callable[[], Draft] = lambda: self._draft
        self.restored_draft = Draft()  # a recovered draft, for the composer to show
        self._listeners: list[Listener] = []
        self._writes: set[asyncio.Task[Any]] = set()
        self._write_lock = asyncio.Lock()
        self._writer = writer or off_thread()
        self.autosaver = (
            Autosaver(recovery, self._writer, self._write_lock) if recovery is not None else None
        )

    # -- listening -----------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    def edited(self, change: Change) -> None:
        """Record a change an editor of the session made: it is dirty, listeners are told."""
        self._touch()
        self._emit(change)

    # -- state ---------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """The session has changes that are not in its file."""
        return self.revision != self._saved_revision

    @property
    def busy(self) -> bool:
        """A reply is being asked for or streamed (the one answer to "is anything busy")."""
        return self.engine.busy

    @property
    def idle(self) -> bool:
        """Nothing running: no reply streaming, no save or autosave being written."""
        return not self.busy and not self._writes

    @property
    def draft(self) -> Draft:
        """What the composer holds unsent, read now (kept in the recovery file, never in
        the session)."""
        return self._draft_source()

    def _touch(self, by_user: bool = True) -> None:
        if by_user and self.autosaver is not None:
            self.autosaver.discarded = False  # worth recovering again after a discard
        was_dirty = self.dirty
        self.revision += 1
        self.session.updated_at = now()
        if not was_dirty:
            self._emit(StateChanged())

    # -- whole sessions ------------------------------------------------------------------

    def replace(
        self,
        session: Session,
        path: Path | None = None,
        read_only: bool = False,
        dirty: bool = False,
        draft: Draft | None = None,
    ) -> None:
        """Make ``session`` the document's session (streams of the old one are stopped)."""
        self.engine.stop_all()
        self.engine.gateway.keep_only({a.sha256 for a in session.attachments})
        self.session = session
        self.path = path
        self.read_only = read_only
        if draft is not None:
            self._draft = self.restored_draft = draft
        else:
            self.restored_draft = Draft()
        self.revision += 1
        self._saved_revision = self.revision - 1 if dirty else self.revision
        if self.autosaver is not None:
            self.autosaver.discarded = False
        self._emit(SessionReplaced())
        self._emit(StateChanged())

    def new(self, seats: list[Seat]) -> None:
        """A fresh session with these seats."""
        self.replace(Session(seats=seats))

    def open(self, path: Path) -> LoadedSession:
        """Open a transcript; raises TranscriptError naming the file and the problem."""
        from desktop.core.transcript import load_session

        loaded = load_session(path)
        self.replace(loaded.session, path, loaded.read_only)
        for warning in loaded.warnings:
            self._emit(Problem(warning))
        return loaded

    def restore(self, found: Recovered) -> None:
        """Take over a recovery file's session, draft, file and state (turns in no file
        are dirty); the recovery file goes once this instance's autosave has it."""
        kept = found.snapshot
        dirty = kept.dirty and (kept.file is not None or bool(found.session.turns))
        self.replace(found.session, kept.file, kept.read_only, dirty, kept.draft)
        self._spawn_write(self._adopt(found.path))

    async def _adopt(self, path: Path) -> None:
        if await self.autosave() and self.recovery is not None:
            self.recovery.remove(path)

    # -- edits ---------------------------------------------------------------------------

    def set_lineup(self, seats: list[Seat]) -> None:
        """Make ``seats`` the table, in order; seats left out are marked removed (their
        answers stay in the session), seats put back return."""
        kept = {seat.id for seat in seats}
        for seat in seats:
            seat.removed = False
        others = [s for s in self.session.seats if s.id not in kept]
        # The chairs apart are not at the table: the lineup leaves them as they are.
        gone = [s if s.chair else replace(s, removed=True) for s in others]
        self.session.seats = [*seats, *gone]
        self._touch()
        self._emit(SeatsChanged())

    def add_chair_seat(self, chair: Seat) -> Seat:
        """Seat ``chair`` apart from the table: it only weighs the seats' answers."""
        chair.chair = True
        self.session.seats.append(chair)
        self._touch()
        self._emit(SeatsChanged())
        return chair

    def set_limits(self, limits: AttachmentLimits) -> None:
        """How big attachments may be, from now on (for every reader of files)."""
        self.limits = limits

    def read_draft_from(self, source: Callable[[], Draft]) -> None:
        """Read the unsent draft from ``source`` (the composer) whenever it is saved,
        instead of being told it on every keystroke."""
        self._draft_source = source

    def set_draft(self, text: str, attachments: Iterable[Attachment]) -> None:
        """What is unsent, where no composer holds it (see :meth:`read_draft_from`)."""
        self._draft = Draft(text, list(attachments))

    # -- turns ---------------------------------------------------------------------------

    def add_prompt(
        self,
        text: str,
        targets: Iterable[str] | None = None,
        attachments: Iterable[Attachment] = (),
        blind: bool = False,
    ) -> Turn:
        """Append the first prompt or a follow-up, with files, to all seats or to some
        (``blind``: who answered is withheld from the author until she votes).

        Raises AttachmentError (over the per-turn limit) or ValueError (no such seat, or
        a seat still answering); then nothing is added, as with :meth:`append`.
        """
        turn, files = turns.prompt(self.session, text, targets, attachments, self.limits)
        turn.blind = blind
        self.engine.check_free(self.session, turn.targets)
        for attachment in files:
            if not any(a is attachment for a in self.session.attachments):
                self.session.attachments.append(attachment)
        return self.append(turn)

    def add_retry(self, reply_id: str) -> tuple[Turn, Reply]:
        """Add a new reply from the same seat to the same turn; the old one is kept."""
        turn, reply = turns.retry(self.session, reply_id)
        self.engine.check_free(self.session, [reply.seat_id])
        turn.replies.append(reply)
        self._touch()
        self._emit(ReplyAdded(turn, reply))
        return turn, reply

    def append(self, turn: Turn) -> Turn:
        """Append ``turn``, as a turn builder made it (``turns``, ``verdict_turns``): its
        seats must be free. ValueError otherwise; then nothing is added."""
        self.engine.check_free(self.session, turn.targets)
        self.session.turns.append(turn)
        self._touch()
        self._emit(TurnAdded(turn))
        return turn

    def start(self, turn: Turn) -> asyncio.Future[list[object]]:
        """Stream every waiting reply of ``turn``; the future ends when all have, and the
        session is autosaved then."""
        future = self.engine.start(self.session, turn)
        self._emit(StateChanged())
        future.add_done_callback(self._run_ended)
        return future

    def _run_ended(self, _future: asyncio.Future[list[object]]) -> None:
        self._emit(StateChanged())
        self._spawn_write(self.autosave())

    async def send(
        self,
        text: str,
        targets: Iterable[str] | None = None,
        attachments: Iterable[Attachment] = (),
    ) -> Turn:
        """Send a prompt or follow-up and wait for every reply."""
        return await self.run(self.add_prompt(text, targets, attachments))

    async def run(self, turn: Turn) -> Turn:
        """Start a turn added by :meth:`add_prompt` or :meth:`append` and wait for every
        answer."""
        await self.start(turn)
        return turn

    async def retry(self, reply_id: str) -> Reply:
        """Retry a reply and wait for the new one."""
        turn, reply = self.add_retry(reply_id)
        await self.start(turn)
        return reply

    def stop(self, reply_id: str) -> bool:
        """Stop one streaming reply, keeping its text; False if it was not running."""
        return self.engine.stop(reply_id)

    def stop_all(self) -> None:
        """Stop every streaming reply, keeping their text."""
        self.engine.stop_all()

    def _reply_changed(self, turn: Turn, reply: Reply, parts: frozenset[ReplyPart]) -> None:
        # A reply of a session that was replaced may still report its last change.
        if not any(t is turn for t in reversed(self.session.turns)):
            return
        self._touch(by_user=False)  # a reply stopped after a discard is not worth keeping
        self._emit(ReplyChanged(turn, reply, parts))

    # -- saving --------------------------------------------------------------------------

    async def save(self, path: Path | None = None) -> None:
        """Write the session to ``path`` (or its file) atomically, off the loop's thread.

        Raises OSError when the file cannot be written; the document stays dirty then.
        Writes happen one at a time, in the order asked for, so a later one always holds
        the newer session.
        """
        from desktop.core.transcript import encode_for_save

        target = path or self.path
        if target is None:
            raise ValueError("no file to save to")
        async with self._write_lock:
            session, revision = self.session, self.revision
            # The snapshot is taken here, on the thread that changes the session; the
            # writer serialises and writes it off that thread.
            await self._writer(target, encode_for_save(session))
            if self.session is not session:
                return  # replaced while it was written: the file is done, the state is not its
            self._saved_revision = revision
            self.path = target
            self.read_only = False
            draft = self.draft
            if self.autosaver is not None and not self.dirty and not draft:
                await self.autosaver.saved(revision, draft)
        self._emit(Saved(target))
        self._emit(StateChanged())

    async def autosave(self) -> bool:
        """Write what a crash would lose, if anything changed since the last autosave:
        the recovery file (session and draft), or with ``autosave_in_place`` the file
        itself. True when nothing is left unwritten; a failure is reported as a Problem."""
        if self.autosave_in_place:
            if not self.dirty or self.path is None:
                return True
            try:
                await self.save()
            except OSError as exc:
                self._emit(Problem(f"Could not save {self.path}: {exc.strerror or exc}"))
                return False
            return True
        if self.autosaver is None:
            return True
        try:
            await self.autosaver.write(self)
        except OSError as exc:
            self._emit(Problem(f"Could not write the recovery file: {exc.strerror or exc}"))
            return False
        return True

    def discard_changes(self) -> None:
        """The user chose to drop unsaved changes: nothing is to be recovered."""
        self._saved_revision = self.revision
        if self.autosaver is not None:
            self.autosaver.discard(self.draft)
        self._emit(StateChanged())

    def _spawn_write(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def shutdown(self) -> None:
        """Stop every stream and finish every write; then the recovery file holds what
        is unsaved, or is gone when nothing is."""
        self.engine.stop_all()
        while self.engine.busy or self._writes:
            await asyncio.gather(*self.engine.tasks(), *self._writes, return_exceptions=True)
        if self.autosaver is not None:
            self.autosaver.closing = True  # so the next start knows this one did not crash
        await self.autosave()
        if self.recovery is not None:
            self.recovery.close()
