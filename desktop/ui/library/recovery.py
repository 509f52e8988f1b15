"""Offering back the session of a Roundtable that did not close cleanly."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.core.session.document import SessionDocument
from desktop.core.session.recovery import Recovered
from desktop.ui.utils import dialogs


def recovery_folder() -> Path:
    """Where this user's recovery files live (under the platform's state folder)."""
    import platformdirs  # not for the first paint

    return Path(platformdirs.user_state_dir("roundtable")) / "recovery"


async def offer_recovery(parent: QWidget, document: SessionDocument) -> bool:
    """If an instance that died, or quit with work not in a file, left a recovery
    file, offer it; True if restored.

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
        try:
            kept = f"It has been set aside as {store.set_aside(newest)}."
        except OSError as moved:
            store.release(newest)
            kept = f"It could not be set aside ({moved.strerror or moved}) and stays where it is."
        dialogs.warn(parent, "Recovery file damaged", f"{exc}\n\n{kept}")
        return False
    choice = await ask_restore(parent, _what(found))
    if choice == "restore":
        document.restore(found)
        return True
    if choice == "discard":
        store.remove(newest)
    else:
        store.release(newest)
    return False


def _what(found: Recovered) -> str:
    """The offer, in the user's words: why there is something, and what comes back."""
    session, kept = found.session, found.snapshot
    unsent = "the prompt you had not sent"
    turns = len(session.turns)
    if not kept.dirty or not (turns or kept.file):
        if kept.closed_cleanly:
            return "Roundtable was closed with a prompt you had not sent. Restore it?"
        return f"Roundtable did not close cleanly. Restore {unsent}?"
    why = (
        "Roundtable was closed with work not saved to a file."
        if kept.closed_cleanly
        else "Roundtable did not close cleanly."
    )
    title = session.title or (kept.file.name if kept.file else "Untitled session")
    where = f"changes not saved to {kept.file}" if kept.file else "never saved"
    what = f"“{title}” ({turns} turn{'s' if turns != 1 else ''}, {where})"
    return f"{why} Restore {what}" + (f" and {unsent}?" if kept.draft else "?")


async def ask_restore(parent: QWidget, text: str) -> str:
    """Ask whether to restore: "restore", "discard" or "later"."""
    role = QMessageBox.ButtonRole
    choices = [("Restore", role.AcceptRole), ("Discard", role.DestructiveRole)]
    choices.append(("Decide later", role.RejectRole))
    chosen = await dialogs.choose_buttons(parent, "Restore the last session?", text, choices)
    return {0: "restore", 1: "discard"}.get(chosen, "later")
