"""Compare two replies side by side, word by word: any two, across seats or sessions.

Each side picks a reply of this session, or of another saved session ("Another
session…", read off the UI thread). The diff is worked out off the UI thread too (long
answers make it quadratic); what only the left has is struck through in red, what only
the right has is marked green. The two sides scroll together.
"""

from __future__ import annotations

import asyncio
import html
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QTextBrowser,
    QWidget,
)

from desktop.core.records.model import Session
from desktop.core.utils.word_diff import Change, Piece, word_diff
from desktop.ui.utils import dialogs
from desktop.ui.utils.session_files import FILE_FILTER
from desktop.ui.utils.shown import shown
from desktop.ui.utils.tasks import Tasks

ANOTHER = "Another session…"
_STYLE = {
    Change.SAME: "{}",
    Change.REMOVED: '<span style="background-color:#ffd6d6; color:#7a0000;"><s>{}</s></span>',
    Change.ADDED: '<span style="background-color:#d4f5d4; color:#004d00;">{}</span>',
}


@dataclass(frozen=True)
class Choice:
    """A reply one side may show."""

    label: str
    reply_id: str
    text: str


def choices_of(session: Session, origin: str = "") -> list[Choice]:
    """Every answered reply of ``session``, labelled by seat and turn."""
    seats = {s.id: s.label for s in session.seats}
    out = []
    for number, turn in enumerate(session.turns, 1):
        prompt = " ".join(turn.text.split())[:50]
        for reply in turn.replies:
            if reply.text.strip():
                label = f"{origin}{seats.get(reply.seat_id, '?')} — turn {number}: {prompt}"
                out.append(Choice(shown(label), reply.id, reply.text))
    return out


def diff_html(pieces: list[Piece]) -> str:
    """One side of a diff as escaped HTML, line breaks kept."""
    body = "".join(_STYLE[p.change].format(html.escape(p.text)) for p in pieces)
    return f'<div style="white-space: pre-wrap;">{body}</div>'


class CompareDialog(QDialog):
    """Two replies, word by word."""

    def __init__(self, parent: QWidget, session: Session, tasks: Tasks) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare two replies")
        self.setWindowFlag(Qt.WindowType.Window)
        self.tasks = tasks
        self.options = choices_of(session)
        self.pickers = (QComboBox(), QComboBox())
        self.views = (QTextBrowser(), QTextBrowser())
        self.summary = QLabel()
        grid = QGridLayout(self)
        for column, (picker, view) in enumerate(zip(self.pickers, self.views, strict=True)):
            picker.setAccessibleName("Left reply" if column == 0 else "Right reply")
            picker.setMinimumWidth(200)
            view.setOpenLinks(False)
            grid.addWidget(picker, 0, column)
            grid.addWidget(view, 1, column)
        grid.addWidget(self.summary, 2, 0, 1, 2)
        grid.setRowStretch(1, 1)
        left, right = (v.verticalScrollBar() for v in self.views)
        left.valueChanged.connect(right.setValue)
        right.valueChanged.connect(left.setValue)
        self._fill()
        for picker in self.pickers:
            picker.activated.connect(lambda _i, p=picker: self._picked(p))
        self.resize(1100, 700)

    def _fill(self) -> None:
        for side, picker in enumerate(self.pickers):
            chosen = picker.currentData()
            picker.blockSignals(True)
            picker.clear()
            for option in self.options:
                picker.addItem(option.label, option.reply_id)
            picker.addItem(ANOTHER, "")  # no reply's id
            index = picker.findData(chosen) if chosen else -1
            picker.setCurrentIndex(index if index >= 0 else min(side, len(self.options) - 1))
            picker.blockSignals(False)

    def choose(self, left_id: str | None, right_id: str | None = None) -> None:
        """Show these two replies (None: keep that side)."""
        for picker, wanted in zip(self.pickers, (left_id, right_id), strict=True):
            if wanted is not None and picker.findData(wanted) >= 0:
                picker.setCurrentIndex(picker.findData(wanted))
        self.tasks.spawn(self.compare())

    def _picked(self, picker: QComboBox) -> None:
        if picker.currentText() == ANOTHER:
            self.tasks.spawn(self._another(picker))
        else:
            self.tasks.spawn(self.compare())

    async def _another(self, picker: QComboBox) -> None:
        from desktop.core.transcript import TranscriptError, load_session

        path = await dialogs.open_path(self, "Compare with a reply from", FILE_FILTER)
        if path:
            try:
                other = (await asyncio.to_thread(load_session, Path(path))).session
            except TranscriptError as exc:
                dialogs.warn(self, "Cannot read that session", str(exc))
                path = ""
            else:
                added = choices_of(other, f"«{other.title or Path(path).stem}» ")
                known = {o.reply_id for o in self.options}
                self.options += [o for o in added if o.reply_id not in known]
                self._fill()
                if added:
                    picker.setCurrentIndex(picker.findData(added[0].reply_id))
        if not path:
            picker.setCurrentIndex(0)
        await self.compare()

    async def compare(self) -> None:
        """Work out the diff of the two chosen replies and show it."""
        texts = {o.reply_id: o.text for o in self.options}
        left, right = (texts.get(p.currentData(), "") for p in self.pickers)
        self.summary.setText("Comparing…")
        diff = await asyncio.to_thread(word_diff, left, right)
        self.views[0].setHtml(diff_html(diff.left))
        self.views[1].setHtml(diff_html(diff.right))
        self.summary.setText(f"{diff.similarity:.0%} of the words in common, in order.")
