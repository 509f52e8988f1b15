"""The running app's windows: each with a session document of its own, all sharing the
provider worker, the endpoint approvals and the settings. The app runs until the last
one has closed; a session handed over by another launch opens as a new window (or
raises the window that already shows it)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QSettings

from desktop.core.document import SessionDocument
from desktop.core.model import Seat
from desktop.core.recovery import RecoveryStore
from desktop.core.trust import Approvals
from desktop.providers.worker_client import WorkerGateway
from desktop.ui.main_window import MainWindow
from desktop.ui.recovery import recovery_folder


class Windows:
    """Opens, finds and closes the app's windows."""

    def __init__(
        self,
        gateway: WorkerGateway,
        approvals: Approvals,
        default_seats: list[Seat],
        library: Path | None = None,
    ) -> None:
        self.gateway = gateway
        self.approvals = approvals
        self.default_seats = default_seats
        self.library = library
        self.windows: list[MainWindow] = []
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
        window = MainWindow(document, QSettings(), provider_ready=self.provider_ready)
        if self.library is not None:
            window.library.use_folder(self.library, remember=False)
        window.closed.connect(lambda: self._closed(window))
        self.windows.append(window)
        self.all_closed.clear()
        return window, no_recovery

    def open(self, paths: list[Path]) -> None:
        """Open each session in a window of its own (the one showing it already, raised);
        none: a new window with a new session. A file that cannot be opened is said so in
        its window, which then holds a new session."""
        for path in paths:
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

    @staticmethod
    def raise_window(window: MainWindow) -> None:
        window.raise_()
        window.activateWindow()

    def set_provider_ready(self) -> None:
        """Tell every window (and those opened later) that the worker is warm."""
        self.provider_ready = True
        for window in self.windows:
            window.set_provider_ready(True)

    def _closed(self, window: MainWindow) -> None:
        task = asyncio.ensure_future(self._dispose(window))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _dispose(self, window: MainWindow) -> None:
        if window not in self.windows:
            return
        self.windows.remove(window)
        tasks = window.tasks
        # First, so no autosave of the window's starts after the document's last one.
        window.dispose()
        await window.document.shutdown()
        await tasks.wait()
        if not self.windows:
            self.all_closed.set()

    async def close_all(self) -> None:
        """Dispose of every window still open (the app is quitting)."""
        for window in list(self.windows):
            await self._dispose(window)
        if self._closing:
            await asyncio.gather(*self._closing)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
