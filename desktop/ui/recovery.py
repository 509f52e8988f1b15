"""Crash recovery: where the autosave of an unsaved session lives, and offering it back."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.core.model import ReplyStatus
from desktop.ui.session_controller import SessionController


def recovery_path() -> Path:
    """The recovery file for this user (under the platform's state folder)."""
    return Path(platformdirs.user_state_dir("roundtable")) / "recovery.json"


def offer_recovery(parent: QWidget, controller: SessionController) -> bool:
    """If a previous run left a recovery file, offer to restore it; True if restored."""
    path = controller.recovery_path
    if path is None or not path.exists():
        return False
    from desktop.core.transcript import TranscriptError, load_session  # only when there is one

    try:
        loaded = load_session(path)
    except TranscriptError as exc:
        QMessageBox.warning(parent, "Recovery file damaged", f"{exc}\n\nIt has been set aside.")
        path.rename(path.with_suffix(".damaged.json"))
        return False
    session = loaded.session
    answer = QMessageBox.question(
        parent,
        "Restore the last session?",
        f"Roundtable did not close cleanly. Restore the unsaved session "
        f"“{session.title or 'Untitled'}” with {len(session.turns)} turn(s)?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        path.unlink(missing_ok=True)
        return False
    # Replies that were streaming when the app died are stopped, with their text.
    for turn in session.turns:
        for reply in turn.replies:
            if not reply.status.is_final:
                reply.status = ReplyStatus.STOPPED
    controller.replace_session(session)
    controller.dirty = True
    return True
