"""The running app's windows: each with a session document of its own, all sharing the
provider worker, the endpoint approvals and the settings. The app runs until the last
one has closed; a session handed over by another launch opens as a new window (or
raises the window that already shows it)."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from desktop.core.records.model import Seat
from desktop.core.session.document import SessionDocument
from desktop.core.session.recovery import RecoveryStore
from desktop.core.trust import Approvals
from desktop.providers.worker_client import WorkerGateway
from desktop.ui.library.recovery import recovery_folder
from desktop.ui.library.shared import SharedLibrary
from desktop.ui.settings import team_gateway
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.utils.app_settings import AppSettings


class Windows:
    """Opens, finds and closes the app's windows."""

    def __init__(
        self,
        gateway: WorkerGateway,
        approvals: Approvals,
        default_seats: list[Seat],
        app_settings: AppSettings | None = None,
        library: Path | None = None,
    ) -> None:
        self.gateway = gateway
        self.approvals = approvals
        self.default_seats = default_seats
        self.windows: list[MainWindow] = []
        self.app_settings = app_settings or AppSettings()  # one for every window
        team_gateway.follow(self.app_settings, gateway)
        self.library = SharedLibrary(self.app_settings, library)  # and one library
        self.provider_ready = False
        self.all_closed = asyncio.Event()
        self._closing: set[asyncio.Task[None]] = set()

    def new_window(self) -> tuple[MainWindow, str]:
        """A window with an empty document (not shown yet), and why crash recovery is
        off for it ("" when it is on)."""
        try:
            recovery: RecoveryStore | None = RecoveryStore(recovery_folder())
            no_recovery = ""
        except OSError as exc:
            recovery = None
            no_recovery = (
                f"Crash recovery is off: {recovery_folder()} cannot be used "
                f"({exc.strerror or exc}). Save often."
            )
        document = SessionDocument(self.gateway, recovery=recovery, approvals=self.approvals)
        window = MainWindow(
            document,
            QSettings(),
            provider_ready=self.provider_ready,
            app_settings=self.app_settings,
            library=self.library,
        )
        window.closed.connect(lambda: self._closed(window))
        window.menus.quit.triggered.disconnect()
        window.menus.quit.triggered.connect(self.quit)
        self.windows.append(window)
        self.all_closed.clear()
        return window, no_recovery

    def open(self, paths: list[Path]) -> None:
        """Open each session in a window of its own (the one showing it already, raised);
        none: a new window with a new session. A file that cannot be opened is said so in
        its window, which then holds a new session."""
        for path in paths:
            if not _plain_file(path):
                # A FIFO or a device would block the window reading it, for good.
                self._say(f"Not opened: {path} is not a saved session file.")
                continue
            shown = self.showing(path)
            if shown is not None:
                self.raise_window(shown)
                continue
            window, _ = self.new_window()
            if not window.files.open_path(path):
                window.document.new(self.default_seats)
            self._show_beside(window)
        if not paths:
            window, _ = self.new_window()
            window.document.new(self.default_seats)
            self._show_beside(window)

    def _show_beside(self, window: MainWindow) -> None:
        """Show a new window a step below and right of the last one (each restores the
        same saved place, and one exactly over another looks like nothing opened)."""
        others = [w for w in self.windows if w is not window and w.isVisible()]
        window.show()
        if others:
            last = others[-1].geometry()
            window.move(last.x() + 32, last.y() + 32)
        self.raise_window(window)

    def showing(self, path: Path) -> MainWindow | None:
        """The window whose session is the file at ``path``, if one is."""
        for window in self.windows:
            own = window.document.path
            if own is not None and _same_file(own, path):
                return window
        return None

    def _say(self, message: str) -> None:
        if self.windows:
            self.windows[-1].say(message)

    @staticmethod
    def raise_window(window: MainWindow) -> None:
        window.raise_()
        window.activateWindow()

    def set_provider_ready(self) -> None:
        """Tell every window (and those opened later) that the worker is warm."""
        self.provider_ready = True
        for window in self.windows:
            window.set_provider_ready(True)

    def quit(self) -> None:
        """Close every window; each with unsaved changes asks first, in turn, and Cancel
        in any keeps them all open."""
        self._track(self._quit())

    async def _quit(self) -> None:
        for window in list(self.windows):
            self.raise_window(window)
            if not await window.files.may_drop_changes():
                return
        for window in list(self.windows):
            window.close()

    def _track(self, job: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(job)
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def _closed(self, window: MainWindow) -> None:
        self._track(self._dispose(window))

    async def _dispose(self, window: MainWindow) -> None:
        if window not in self.windows:
            return
        self.windows.remove(window)
        tasks = window.tasks
        try:
            # First, so no autosave of the window's starts after the document's last one.
            window.dispose()
            await window.document.shutdown()
            await tasks.wait()
        finally:
            if not self.windows:  # even if this one failed: the app must still end
                self.library.close()
                self.all_closed.set()

    async def close_all(self) -> None:
        """Dispose of every window still open (the app is quitting)."""
        while self.windows:  # one opened meanwhile is disposed of too
            await self._dispose(self.windows[0])
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return False


def _plain_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, RuntimeError):
        return False
