"""The app's one library: its folder and the one thread that indexes and searches it.

Every window saves into it and searches it, so there is one of it (owned with the
windows, like the settings). The folder is the app's setting, or the one given with
``--library`` for this run; the worker thread and the index code are started and
imported when the library is first used (a save, File → Library…), not for the first
paint.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop.ui.library.recovery import recovery_folder
from desktop.ui.utils import app_settings
from desktop.ui.utils.app_settings import AppSettings

if TYPE_CHECKING:
    from desktop.core.library.worker import LibraryWorker


class SharedLibrary(QObject):
    """The library folder and its worker; ``moved`` once it is another folder."""

    moved = Signal()

    def __init__(self, settings: AppSettings, folder: Path | None = None) -> None:
        """``folder``: this run's library (``--library``), instead of the app's setting."""
        super().__init__()
        self._settings, self._for_this_run = settings, folder
        self._worker: LibraryWorker | None = None
        self._folder = folder or settings.library_folder()
        settings.changed.connect(self._setting_changed)

    @property
    def folder(self) -> Path:
        """Where the library's sessions are kept."""
        if self._folder is None:
            from desktop.core.library.folder import default_folder

            self._folder = default_folder()
        return self._folder

    @property
    def started(self) -> bool:
        """Whether its worker thread is running (it starts when first used)."""
        return self._worker is not None

    @property
    def worker(self) -> LibraryWorker:
        """The thread serving the library, started now if it has not been."""
        if self._worker is None:
            from desktop.core.library.worker import LibraryWorker

            self._worker = LibraryWorker(self.folder, drafts=recovery_folder())
        return self._worker

    def use_folder(self, folder: Path, remember: bool = True) -> None:
        """Make ``folder`` the library of every window; kept as the app's setting when
        ``remember`` (File → Library… → Change folder), for this run alone otherwise."""
        if remember:
            self._for_this_run = None
            self._settings.set_library_folder(folder)  # and back through _setting_changed
        else:
            self._for_this_run = folder
            self._move(folder)

    def close(self) -> None:
        """Let the library's thread finish and close the index."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def _setting_changed(self, key: str) -> None:
        if key == app_settings.LIBRARY_FOLDER and self._for_this_run is None:
            self._move(self._settings.library_folder())

    def _move(self, folder: Path | None) -> None:
        if folder is not None and folder == self._folder:
            return
        self.close()
        self._folder = folder
        self.moved.emit()
