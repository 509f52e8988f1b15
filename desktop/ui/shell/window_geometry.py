"""Where the window was, and how its panes and composer were split: kept in the app's
settings when it closes, and given back when a window opens."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QSplitter

from desktop.ui.utils.app_settings import AppSettings

DEFAULT_SIZE = (1280, 800)


def restore(window: QMainWindow, splitter: QSplitter, settings: AppSettings) -> None:
    """Put ``window`` and ``splitter`` back as they were last closed (a default size the
    first time, or when the kept one is damaged)."""
    geometry, sizes = settings.window_place()
    if geometry is None or not window.restoreGeometry(geometry):
        window.resize(*DEFAULT_SIZE)
    if sizes is not None:
        splitter.restoreState(sizes)


def save(window: QMainWindow, splitter: QSplitter, settings: AppSettings) -> None:
    """Keep where ``window`` is and how ``splitter`` is split, for the next window."""
    settings.set_window_place(window.saveGeometry(), splitter.saveState())
