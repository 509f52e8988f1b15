"""File → Add from session…: exchanges of another saved session into this one's post.

The writer picks the file, then one of its seats and which of that seat's exchanges;
they are copied in with where they came from (``post.importing``), as one undo step, and
the post view opens on the new section. The file is read off the UI thread: a large or
damaged session never freezes the window, and a damaged one is said so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from desktop.core.post.importing import Imported, ImportRefused, check_new, exchanges_of, seat_turns
from desktop.core.records.model import Seat, Session
from desktop.ui.utils import dialogs
from desktop.ui.utils.session_files import FILE_FILTER
from desktop.ui.utils.shown import shown
from desktop.ui.utils.window_context import WindowContext

if TYPE_CHECKING:
    from desktop.ui.post.view import PostView


class PickExchanges(QDialog):
    """One seat of ``other`` and the exchanges of it to add."""

    def __init__(self, parent: QWidget, other: Session) -> None:
        super().__init__(parent)
        self.other = other
        self.setWindowTitle(shown(f"Add from “{other.title or 'untitled session'}”"))
        self.seats = QComboBox()
        self.seats.setAccessibleName("Seat")
        for seat in other.seats:
            if seat_turns(other, seat):
                self.seats.addItem(shown(seat.label), seat.id)
        self.turns = QListWidget()
        self.turns.setAccessibleName("Exchanges")
        self.seats.currentIndexChanged.connect(self._fill)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add to post")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Seat", self.seats)
        form.addRow("Exchanges", self.turns)
        form.addRow(buttons)
        self.resize(560, 420)
        self._fill()

    def _fill(self) -> None:
        self.turns.clear()
        seat = self.seat()
        for number, turn in enumerate(seat_turns(self.other, seat) if seat else [], 1):
            first = next((line for line in turn.text.splitlines() if line.strip()), "")
            item = QListWidgetItem(shown(f"{number}. {first[:90] or '(no prompt)'}"))
            item.setData(Qt.ItemDataRole.UserRole, turn.id)
            item.setCheckState(Qt.CheckState.Checked)
            self.turns.addItem(item)

    def seat(self) -> Seat | None:
        """The seat chosen."""
        seat_id = self.seats.currentData()
        return next((s for s in self.other.seats if s.id == seat_id), None)

    def chosen(self) -> list[str]:
        """The ids of the ticked exchanges' turns."""
        items = (self.turns.item(i) for i in range(self.turns.count()))
        checked = Qt.CheckState.Checked
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == checked]


async def add_from_session(
    context: WindowContext, post: PostView, show_post: Callable[[], None]
) -> None:
    """Ask for a session file, a seat and its exchanges; add them to the post (shown
    with ``show_post``)."""
    from desktop.core.transcript import TranscriptError, load_session

    parent = context.parent
    path = await dialogs.open_path(parent, "Add from session", FILE_FILTER)
    if not path:
        return
    try:
        other = (await asyncio.to_thread(load_session, Path(path))).session
    except TranscriptError as exc:
        dialogs.warn(parent, "Cannot add from that session", str(exc))
        return
    picker = PickExchanges(parent, other)
    if picker.seats.count() == 0:
        dialogs.warn(parent, "Add from session", "That session has no answered exchanges.")
        return
    if await dialogs.finished(picker) != QDialog.DialogCode.Accepted:
        return
    seat, turn_ids = picker.seat(), picker.chosen()
    if seat is None or not turn_ids:
        context.say("No exchange was ticked: nothing added.")
        return
    try:
        imported: Imported = exchanges_of(other, seat, turn_ids)
        check_new(context.document.session, imported)
    except ImportRefused as exc:
        dialogs.warn(parent, "Add from session", str(exc))
        return
    post.add_from(imported)
    show_post()
    post.blocks.setCurrentRow(post.blocks.count() - 1)
    context.say(shown(f"Added {len(turn_ids)} exchanges of {seat.label} to the post."))
