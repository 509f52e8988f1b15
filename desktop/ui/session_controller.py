"""The window's side of the engine: runs turns on the qasync loop and says what changed.

Widgets call the methods here and listen to the signals; they never touch the engine,
the gateway or files directly. Provider I/O happens in the worker process; saving
serialises on this thread (fast) and writes on a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.attachments import DEFAULT_LIMITS, AttachmentLimits
from desktop.core.conversation import (
    DEFAULT_DEBATE_INSTRUCTION,
    DEFAULT_FORWARD_INSTRUCTION,
    forward_quote,
    kind_for_new_turn,
)
from desktop.core.engine import Engine
from desktop.core.events import Gateway
from desktop.core.model import Attachment, Reply, Seat, Session, Turn, TurnKind, now

if TYPE_CHECKING:
    from desktop.core.transcript import LoadedSession

# desktop.core.transcript is imported where a file is read or written (~20 ms that the
# first paint can do without).

AUTOSAVE_MS = 2000
CONTINUE_PROMPT = (
    "Your previous answer was cut off. Continue exactly where it stopped, without repeating "
    "what you already wrote."
)


class SessionController(QObject):
    """Owns the session, its engine and its autosave."""

    reply_changed = Signal(str, str)  # turn id, reply id
    turns_changed = Signal()  # a turn was added, or the whole session replaced
    seats_changed = Signal()
    state_changed = Signal()  # busy, dirty, path or read-only changed
    error = Signal(str)  # something the user should read

    def __init__(self, gateway: Gateway, recovery_path: Path | None = None) -> None:
        super().__init__()
        self.gateway = gateway
        self.recovery_path = recovery_path
        self.session = Session()
        self.limits = DEFAULT_LIMITS
        self.engine = Engine(self.session, gateway, on_change=self._on_change)
        self.path: Path | None = None
        self.read_only = False
        self.dirty = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._turn_tasks: set[asyncio.Task[Any]] = set()
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self._autosave_now)
        self._autosave.start()
        self._saved_at = self.session.updated_at
        self._discarded = False

    # -- session -------------------------------------------------------------------------

    def replace_session(
        self, session: Session, path: Path | None = None, read_only: bool = False
    ) -> None:
        self.engine.stop_all()
        self.session = session
        self.engine = Engine(session, self.gateway, on_change=self._on_change, limits=self.limits)
        self.path = path
        self.read_only = read_only
        self.dirty = False
        self._discarded = False
        self._saved_at = session.updated_at
        self.seats_changed.emit()
        self.turns_changed.emit()
        self.state_changed.emit()

    def new_session(self, seats: list[Seat]) -> None:
        self.replace_session(Session(seats=seats))

    def open(self, path: Path) -> LoadedSession:
        """Open a transcript (raises TranscriptError with a clear message)."""
        from desktop.core.transcript import load_session

        loaded = load_session(path)
        self.replace_session(loaded.session, path, loaded.read_only)
        for warning in loaded.warnings:
            self.error.emit(warning)
        return loaded

    async def save(self, path: Path | None = None) -> None:
        """Save to ``path`` (or the current file) atomically, off the UI thread."""
        target = path or self.path
        if target is None:
            raise ValueError("no file to save to")
        from desktop.core.transcript import dump_chunks, write_atomic

        data = dump_chunks(self.session)
        await asyncio.to_thread(write_atomic, target, data)
        self.path = target
        self.read_only = False
        self.dirty = False
        self._saved_at = self.session.updated_at
        await self._discard_recovery()
        self.state_changed.emit()

    def save_in_background(self, path: Path | None = None) -> asyncio.Task[Any]:
        """Start saving; a failure is reported through ``error``."""
        return self.spawn(self._save_reporting(path))

    async def _save_reporting(self, path: Path | None) -> None:
        try:
            await self.save(path)
        except OSError as exc:
            self.error.emit(f"Could not save {path or self.path}: {exc.strerror or exc}")

    # -- seats ---------------------------------------------------------------------------

    def set_lineup(self, seats: list[Seat]) -> None:
        """Make ``seats`` the table, in order; seats left out are marked removed (their
        answers stay in the session), seats put back return."""
        kept = {seat.id for seat in seats}
        for seat in seats:
            seat.removed = False
        gone = [replace(s, removed=True) for s in self.session.seats if s.id not in kept]
        self.session.seats = [*seats, *gone]
        self._touched()
        self.seats_changed.emit()

    # -- turns ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A turn or retry is under way (from the moment it is asked for)."""
        return self.engine.busy or bool(self._turn_tasks)

    @property
    def idle(self) -> bool:
        """Nothing running: no reply streaming, no save or autosave under way."""
        return not self._tasks and not self.engine.busy

    @property
    def provider_ready(self) -> bool:
        """False while the provider worker is still starting (sends wait for it)."""
        return bool(getattr(self.gateway, "is_ready", True))

    def set_limits(self, limits: AttachmentLimits) -> None:
        """How big attachments may be, from now on."""
        self.limits = limits
        self.engine.limits = limits

    def send(
        self,
        text: str,
        targets: Iterable[str] | None = None,
        attachments: Iterable[Attachment] = (),
    ) -> asyncio.Task[Any]:
        """Send a prompt or follow-up, with files, to all seats or to some.

        Raises AttachmentError (nothing added or sent) when the files are over the
        per-turn limit.
        """
        turn = self.engine.add_turn(
            kind_for_new_turn(self.session), text, targets, attachments=attachments
        )
        return self._run_turn(turn)

    def forward(
        self, reply_id: str, targets: Iterable[str], instruction: str = DEFAULT_FORWARD_INSTRUCTION
    ) -> asyncio.Task[Any]:
        quote = forward_quote(self.session, reply_id)
        turn = self.engine.add_turn(TurnKind.FORWARD, instruction, targets, [quote])
        return self._run_turn(turn)

    def debate_round(
        self, targets: Iterable[str] | None = None, instruction: str = DEFAULT_DEBATE_INSTRUCTION
    ) -> asyncio.Task[Any]:
        return self._run_turn(self.engine.add_debate_round(targets, instruction))

    def retry(self, reply_id: str) -> asyncio.Task[Any]:
        task = self._track_turn(self.spawn(self.engine.retry(reply_id)))
        self.turns_changed.emit()
        return task

    def continue_reply(self, reply_id: str) -> asyncio.Task[Any]:
        """Ask a seat whose answer was cut to go on from the text kept."""
        _, reply = self.session.find_reply(reply_id)
        return self.send(CONTINUE_PROMPT, [reply.seat_id])

    def stop(self, reply_id: str) -> None:
        self.engine.stop(reply_id)

    def stop_all(self) -> None:
        self.engine.stop_all()

    def _run_turn(self, turn: Turn) -> asyncio.Task[Any]:
        self._touched()
        self.turns_changed.emit()
        wait_ready = getattr(self.gateway, "wait_ready", None)
        if not self.provider_ready and wait_ready is not None:
            # Panes say they are waiting for the worker; tell them when it is warm.
            self.spawn(wait_ready())
        return self._track_turn(self.spawn(self._run_and_save(turn)))

    def _track_turn(self, task: asyncio.Task[Any]) -> asyncio.Task[Any]:
        self._turn_tasks.add(task)
        task.add_done_callback(self._turn_ended)
        self.state_changed.emit()
        return task

    def _turn_ended(self, task: asyncio.Task[Any]) -> None:
        self._turn_tasks.discard(task)
        self.state_changed.emit()

    async def _run_and_save(self, turn: Turn) -> None:
        await self.engine.run(turn)
        await self._autosave_async()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run a coroutine on the loop, keeping a reference until it ends."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda _: self.state_changed.emit())
        self.state_changed.emit()
        return task

    async def shutdown(self) -> None:
        """Stop every stream and let saves finish; then flush the recovery file if the
        session is still unsaved, or remove it if the user saved or discarded."""
        self._autosave.stop()
        self.engine.stop_all()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.dirty:
            await self._autosave_async()
        else:
            await self._discard_recovery()

    def discard_changes(self) -> None:
        """The user chose to drop unsaved changes: nothing is to be recovered."""
        self._discarded = True
        self.dirty = False
        self._saved_at = self.session.updated_at
        if self.recovery_path is not None:
            self.recovery_path.unlink(missing_ok=True)
        self.state_changed.emit()

    # -- changes and autosave ------------------------------------------------------------

    def _on_change(self, turn: Turn, reply: Reply) -> None:
        self.reply_changed.emit(turn.id, reply.id)
        if reply.status.is_final:
            self.state_changed.emit()

    def _touched(self) -> None:
        self.session.updated_at = now()
        if not self.dirty:
            self.dirty = True
            self.state_changed.emit()

    def _autosave_now(self) -> None:
        if self.session.updated_at != self._saved_at:
            self.spawn(self._autosave_async())

    async def _autosave_async(self) -> None:
        if (
            self.recovery_path is None
            or self._discarded
            or self.session.updated_at == self._saved_at
        ):
            return
        if not self.dirty:
            self.dirty = True
            self.state_changed.emit()
        self._saved_at = self.session.updated_at
        from desktop.core.transcript import dump_chunks, write_atomic

        data = dump_chunks(self.session)
        self.recovery_path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(write_atomic, self.recovery_path, data)

    async def _discard_recovery(self) -> None:
        if self.recovery_path is not None:
            await asyncio.to_thread(self.recovery_path.unlink, True)
