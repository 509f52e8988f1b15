"""Offering back the session of a Roundtable that did not close cleanly."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.core.document import SessionDocument
from desktop.core.recovery import Recovered


def recovery_folder() -> Path:
    """Where this user's recovery files live (under the platform's state folder)."""
    return Path(platformdirs.user_state_dir("roundtable")) / "recovery"


def offer_recovery(parent: QWidget, document: SessionDocument) -> bool:
    """If an instance that died left a recovery file, offer it; True if restored.

    The newest is offered; "Later" keeps it (and any others) for the next start.
    """
    store = document.recovery
    if store is None:
        return False
    orphans = store.orphans()
    if not orphans:
        return False
    newest, rest = orphans[0], orphans[1:]
    for other in rest:
        store.release(other)
    from desktop.core.transcript import TranscriptError  # only when there is one

    try:
        found = store.load(newest)
    except TranscriptError as exc:
        aside = store.set_aside(newest)
        box = QMessageBox(QMessageBox.Icon.Warning, "Recovery file damaged", "", parent=parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"{exc}\n\nIt has been set aside as {aside}.")
        box.exec()
        return False
    choice = ask_restore(parent, "Roundtable did not close cleanly. " + _what(found))
    if choice == "restore":
        document.restore(found)
        return True
    if choice == "discard":
        store.remove(newest)
    else:
        store.release(newest)
    return False


def _what(found: Recovered) -> str:
    session = found.session
    turns = len(session.turns)
    if not turns:
        return "Restore the prompt you had not sent?"
    title = session.title or "Untitled session"
    kept = f"Restore “{title}” ({turns} turn{'s' if turns != 1 else ''}, never saved)"
    return kept + (" and the prompt you had not sent?" if found.draft else "?")


def ask_restore(parent: QWidget, text: str) -> str:
    """Ask whether to restore: "restore", "discard" or "later"."""
    box = QMessageBox(QMessageBox.Icon.Question, "Restore the last session?", "", parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Decide later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    clicked = box.clickedButton()
    return "restore" if clicked is restore else "discard" if clicked is discard else "later"
