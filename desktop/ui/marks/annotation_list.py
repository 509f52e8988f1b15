"""The session's annotations in a side panel: filter by kind and seat, jump to each,
edit a comment, delete (Edit → Undo brings it back)."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.records.model import Annotation, AnnotationKind, Session
from desktop.core.session.annotating import seat_of
from desktop.ui.marks.annotation_actions import AnnotationActions
from desktop.ui.utils.shown import shown

KIND_NAMES = {
    AnnotationKind.HIGHLIGHT: "✎ Highlight",
    AnnotationKind.COMMENT: "💬 Comment",
    AnnotationKind.STAR: "★ Star",
    AnnotationKind.REACTION: "Reaction",
    AnnotationKind.VOTE: "🗳 Vote",
}
ID_ROLE = Qt.ItemDataRole.UserRole
_MARKUP = re.compile(r"[*_`~]+")


def describe(annotation: Annotation, session: Session) -> str:
    """One line for the list: what, whose answer, the words, the note."""
    seat = _seat_label(annotation.target_id, session)
    line = f"{KIND_NAMES[annotation.kind]} · {seat}"
    if annotation.exact:  # as read in the pane: without the Markdown marks around words
        words = " ".join(_MARKUP.sub("", annotation.exact).split())
        line += f": “{words if len(words) <= 80 else words[:79] + '…'}”"
    if annotation.note:
        line += f" — {annotation.note}"
    return shown(line)


def _seat_label(target_id: str, session: Session) -> str:
    for seat in session.seats:
        if seat.id == target_id:
            return seat.label
    for turn in session.turns:
        if turn.id == target_id:
            return "your prompt"
        for reply in turn.replies:
            if reply.id == target_id:
                return session.seat(reply.seat_id).label
    return "?"


class AnnotationList(QDockWidget):
    """The panel; jumping, editing and deleting are the annotation actions' to do."""

    def __init__(self, parent: QWidget, actions: AnnotationActions) -> None:
        super().__init__("Annotations", parent)
        self.setObjectName("annotations")
        self.hide()  # until View → Annotations
        self._jump, self._edit, self._delete = actions.jump, actions.edit, actions.delete
        self._session = Session()
        self.kinds = QComboBox()
        self.kinds.addItem("All kinds", None)
        for kind, name in KIND_NAMES.items():
            self.kinds.addItem(name, kind)
        self.seats = QComboBox()
        self.items = QListWidget()
        self.items.setAccessibleName("Annotations")
        self.items.setWordWrap(True)
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items.itemActivated.connect(lambda item: self._on(item, self._jump))
        edit_button, delete_button = QPushButton("Edit…"), QPushButton("Delete")
        edit_button.clicked.connect(lambda: self._on(self.items.currentItem(), self._edit))
        delete_button.clicked.connect(lambda: self._on(self.items.currentItem(), self._delete))
        QShortcut(QKeySequence.StandardKey.Delete, self.items, delete_button.click)
        for box in (self.kinds, self.seats):
            box.currentIndexChanged.connect(lambda _: self.refresh(self._session))
        filters, buttons, body = QHBoxLayout(), QHBoxLayout(), QWidget()
        filters.addWidget(self.kinds)
        filters.addWidget(self.seats)
        buttons.addStretch(1)
        buttons.addWidget(edit_button)
        buttons.addWidget(delete_button)
        layout = QVBoxLayout(body)
        layout.addLayout(filters)
        layout.addWidget(self.items, 1)
        layout.addLayout(buttons)
        self.setWidget(body)

    def refresh(self, session: Session) -> None:
        """Show ``session``'s annotations that pass the filters."""
        self._session = session
        wanted_seat = self.seats.currentData()
        self.seats.blockSignals(True)
        self.seats.clear()
        self.seats.addItem("All seats", None)
        for seat in session.seats:
            self.seats.addItem(shown(seat.label), seat.id)
        self.seats.setCurrentIndex(max(0, self.seats.findData(wanted_seat)))
        self.seats.blockSignals(False)
        kind, seat_id = self.kinds.currentData(), self.seats.currentData()
        self.items.clear()
        for annotation in session.annotations:
            if kind is not None and annotation.kind != kind:  # the combo hands back a str
                continue
            if seat_id is not None and seat_of(annotation.target_id, session) != seat_id:
                continue
            item = QListWidgetItem(describe(annotation, session))
            item.setData(ID_ROLE, annotation.id)
            self.items.addItem(item)

    def _on(self, item: QListWidgetItem | None, act: Callable[[Annotation], None]) -> None:
        if item is None:
            return
        wanted = item.data(ID_ROLE)
        found = next((a for a in self._session.annotations if a.id == wanted), None)
        if found is not None:
            act(found)
