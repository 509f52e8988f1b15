"""Where the window was, and how its panes and composer were split: kept in the settings
when it closes, and given back when a window opens."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

DEFAULT_SIZE = (1280, 800)


def restore(window: QMainWindow, splitter: QSplitter, settings: QSettings) -> None:
    """Put ``window`` and ``splitter`` back as they were last closed (a default size the
    first time)."""
    geometry = settings.value("geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        window.resize(*DEFAULT_SIZE)
    sizes = settings.value("main_splitter")
    if sizes is not None:
        splitter.restoreState(sizes)


def save(window: QMainWindow, splitter: QSplitter, settings: QSettings) -> None:
    """Keep where ``window`` is and how ``splitter`` is split, for the next window."""
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("main_splitter", splitter.saveState())
