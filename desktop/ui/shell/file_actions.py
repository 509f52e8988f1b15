"""File handling in the window: new, open, save, save as, recent files, and asking
before unsaved changes are dropped. A save the user asked for is waited for, and a
failure is shown, before anything is closed or replaced."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QMenu

from desktop.core.utils.stamps import new_id
from desktop.ui.utils import dialogs
from desktop.ui.utils.dialogs import Button
from desktop.ui.utils.session_files import FILE_FILTER
from desktop.ui.utils.shown import file_name_of_title
from desktop.ui.utils.window_context import WindowContext


class FileActions:
    """The File menu's work for one window."""

    def __init__(self, context: WindowContext) -> None:
        self.parent = context.parent
        self.document = context.document
        self.app_settings = context.app_settings
        self.tasks = context.tasks
        self.say = context.say
        self.recent_menu = QMenu("Open &recent", context.parent)
        self.save_folder: Callable[[], Path] | None = None  # where Save as… starts

    # -- asking --------------------------------------------------------------------------

    async def may_drop_changes(self) -> bool:
        """True when the session may be replaced or closed: it is saved, the user saved
        it now (and the write succeeded), or chose to discard it."""
        # Asked again when a reply finished while the save was being written.
        while self.document.dirty:
            answer = await dialogs.question(
                self.parent,
                "Unsaved session",
                "This session has unsaved changes. Save them?",
                Button.Save | Button.Discard | Button.Cancel,
            )
            if answer == Button.Discard:
                self.document.discard_changes()
            elif answer != Button.Save or not await self.save():
                return False
        return True

    # -- menu commands -------------------------------------------------------------------

    def new(self) -> None:
        """A new session with the same lineup (fresh ids: it shares nothing)."""
        self.tasks.spawn(self._new())

    async def _new(self) -> None:
        if await self.may_drop_changes():
            seats = [replace(s, id=new_id()) for s in self.document.session.active_seats]
            self.document.new(seats)

    def open_dialog(self) -> None:
        """Ask for a session file and open it."""
        self.tasks.spawn(self._open_dialog())

    async def _open_dialog(self) -> None:
        # The file first: a reply that finishes while the user browses is asked about.
        path = await dialogs.open_path(self.parent, "Open session", FILE_FILTER)
        if path and await self.may_drop_changes():
            self.open_path(Path(path))

    def open_recent(self, path: Path) -> None:
        """Open a file from the recent list."""
        self.tasks.spawn(self._open_recent(path))

    async def _open_recent(self, path: Path) -> None:
        if await self.may_drop_changes():
            self.open_path(path)

    def open_path(self, path: Path) -> bool:
        """Open ``path`` (no questions asked); a file that cannot be read is said so."""
        from desktop.core.transcript import TranscriptError

        try:
            self.document.open(path)
        except TranscriptError as exc:
            dialogs.warn(self.parent, "Cannot open the session", str(exc))
            return False
        self.remember(path)
        return True

    async def save(self) -> bool:
        """Save to the session's file (or ask for one); True once it is written."""
        if self.document.path is None or self.document.read_only:
            return await self.save_as()
        return await self._write(self.document.path)

    async def save_as(self) -> bool:
        """Ask for a file and save to it; True once it is written."""
        # NAME.roundtable.json: the desktop knows the file type by it (packaging/linux).
        name = f"{file_name_of_title(self.document.session.title, 'session')}.roundtable.json"
        if self.save_folder is not None:
            folder = self.save_folder()
            with contextlib.suppress(OSError):  # a folder it cannot make: the dialog's own
                folder.mkdir(parents=True, exist_ok=True)
                name = str(folder / name)
        path = await dialogs.save_path(self.parent, "Save session", name, FILE_FILTER)
        if not path:
            return False
        return await self._write(Path(path))

    async def _write(self, path: Path) -> bool:
        try:
            await self.document.save(path)
        except OSError as exc:
            dialogs.warn(
                self.parent, "Could not save", f"Could not save {path}: {exc.strerror or exc}"
            )
            return False
        self.remember(path)
        self.say(f"Saved {path}")
        return True

    # -- recent files --------------------------------------------------------------------

    def remember(self, path: Path) -> None:
        """Put ``path`` first in the recent files (every window's menu follows)."""
        self.app_settings.remember_file(path)

    def recent(self) -> list[str]:
        """The recent files, newest first."""
        return [str(path) for path in self.app_settings.recent_files()]

    def fill_recent(self) -> None:
        """Rebuild the Open recent menu."""
        self.recent_menu.clear()
        for path in self.recent():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_recent(Path(p)))
        self.recent_menu.setEnabled(bool(self.recent()))
