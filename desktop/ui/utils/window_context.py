"""What every part of the window's work is given: where dialogs go, the document, the
window's background jobs, the one way to tell the user something, and the app's
settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from desktop.core.session.document import SessionDocument
from desktop.ui.utils.app_settings import AppSettings
from desktop.ui.utils.tasks import Tasks


@dataclass(frozen=True)
class WindowContext:
    """Shared by FileActions, TurnActions and AttachmentActions."""

    parent: QWidget
    document: SessionDocument
    tasks: Tasks
    say: Callable[[str], None]
    app_settings: AppSettings  # the app's, shared by every window
