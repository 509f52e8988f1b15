"""One section of the post, edited: its heading and reaction, its exchanges, and for
each exchange the prompt as shown and how the answer shows.

A display edit of the prompt never touches what was sent: the original is one click
away ("Original" shows it; "Use original" drops the edit). An excerpt is chosen by
selecting the words in the answer shown below the prompt. Every change is one undo
step, pushed through the post view.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.post import editing as edits
from desktop.core.post.plan import Lookup
from desktop.core.records.model import Reply, Turn
from desktop.core.records.post_blocks import ItemShow, PostItem, SectionBlock
from desktop.ui.marks.annotation_actions import REACTIONS
from desktop.ui.utils.shown import shown

SHOWS = (
    (ItemShow.PROMPT, "The prompt only"),
    (ItemShow.ANSWER, "The whole answer"),
    (ItemShow.EXCERPT, "The selected excerpt"),
    (ItemShow.CARD, "A picture card"),
)
TYPING_MS = 400  # a display edit is one undo step per pause, not per key

Push = Callable[[edits.Edit, str], None]


def _first_line(text: str, width: int = 60) -> str:
    line = next((line for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


class SectionEditor(QWidget):
    """The section at ``index`` in the post's blocks."""

    def __init__(self, push: Push, say: Callable[[str], None]) -> None:
        super().__init__()
        self.push, self.say = push, say
        self.index = -1
        self.block: SectionBlock | None = None
        self.lookup: Lookup | None = None
        self.heading, self.reaction = QLineEdit(), QLineEdit()
        self.heading.setAccessibleName("Section heading")
        self.reaction.setAccessibleName("Section reaction")
        self.reaction.setPlaceholderText("none")
        self.reaction.setMaxLength(16)
        for box in (self.heading, self.reaction):
            box.editingFinished.connect(self._commit_section)
        emoji = QToolButton()
        emoji.setText("☺")
        emoji.setToolTip("Choose a reaction")
        emoji.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(emoji)
        for face in ("", *REACTIONS):
            action = menu.addAction(face or "No reaction")
            action.triggered.connect(lambda _=False, f=face: self._react(f))
        emoji.setMenu(menu)
        reaction_row = QHBoxLayout()
        reaction_row.addWidget(self.reaction)
        reaction_row.addWidget(emoji)
        self.items = QListWidget()
        self.items.setAccessibleName("Exchanges")
        self.items.setDragDropMode(QListWidget.DragDropMode.InternalMove)
        self.items.model().rowsMoved.connect(self._dragged)
        self.items.currentRowChanged.connect(self._show_item)
        for key, by in (("Alt+Up", -1), ("Alt+Down", 1)):
            # Only in this list: the post view has two, each moving its own rows.
            move = QShortcut(QKeySequence(key), self.items, partial(self.move_item, by))
            move.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.add_button = QPushButton("Add exchange")
        self.add_button.clicked.connect(self._add_menu)
        remove = QPushButton("Remove exchange")
        remove.clicked.connect(self.remove_item)
        item_buttons = QHBoxLayout()
        item_buttons.addWidget(self.add_button)
        item_buttons.addWidget(remove)
        item_buttons.addStretch()
        self.show_as = QComboBox()
        self.show_as.setAccessibleName("How the answer shows")
        for show, label in SHOWS:
            self.show_as.addItem(label, show)
        self.show_as.activated.connect(self._choose_show)
        self.with_reasoning = QCheckBox("Show its reasoning too (folded under the answer)")
        self.with_reasoning.setAccessibleName("Show the reasoning")
        self.with_reasoning.clicked.connect(
            lambda on: self._set(
                reasoning=on, text="Show the reasoning" if on else "Hide the reasoning"
            )
        )
        self.prompt = QPlainTextEdit()
        self.prompt.setAccessibleName("Prompt as shown")
        self.prompt.setMaximumHeight(90)
        self._typing = QTimer(self, singleShot=True, interval=TYPING_MS)
        self._typing.timeout.connect(self._commit_prompt)
        self.prompt.textChanged.connect(self._typing.start)
        self.original = QToolButton()
        self.original.setText("Original")
        self.original.setCheckable(True)
        self.original.setToolTip("Show the prompt as it was sent")
        self.original.toggled.connect(
            lambda _on: self._show_item(self.items.currentRow(), switched=True)
        )
        self.use_original = QToolButton()
        self.use_original.setText("Use original")
        self.use_original.clicked.connect(
            lambda: self._set(prompt=None, text="Use the original prompt")
        )
        self.edited_note = QLabel()
        prompt_row = QHBoxLayout()
        prompt_row.addWidget(self.edited_note, 1)
        prompt_row.addWidget(self.original)
        prompt_row.addWidget(self.use_original)
        self.answer = QPlainTextEdit()
        self.answer.setReadOnly(True)
        self.answer.setAccessibleName("Answer")
        self.answer.setPlaceholderText("No answer")
        excerpt = QPushButton("Use selection as excerpt")
        excerpt.clicked.connect(self.use_selection)
        form = QFormLayout()
        form.addRow("Heading", self.heading)
        form.addRow("Reaction", reaction_row)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(form)
        column.addWidget(self.items, 1)
        column.addLayout(item_buttons)
        item_form = QFormLayout()
        item_form.addRow("Show", self.show_as)
        item_form.addRow("", self.with_reasoning)
        item_form.addRow("Prompt", self.prompt)
        item_form.addRow("", prompt_row)
        column.addLayout(item_form)
        column.addWidget(self.answer, 2)
        column.addWidget(excerpt, 0, Qt.AlignmentFlag.AlignRight)

    # -- showing -------------------------------------------------------------------------

    def load(self, index: int, block: SectionBlock, lookup: Lookup) -> None:
        """Show the section at ``index``; what is under the writer's cursor stays."""
        self.index, self.block, self.lookup = index, block, lookup
        seat = lookup.seats.get(block.seat_id)
        self.heading.setPlaceholderText(shown(seat.label) if seat else "")
        for box, value in ((self.heading, block.heading), (self.reaction, block.reaction)):
            if not box.isModified():  # not while she is changing it
                box.setText(value or "")
        row = self.items.currentRow()
        self.items.blockSignals(True)
        self.items.clear()
        for number, item in enumerate(block.items, 1):
            turn = lookup.turns.get(item.turn_id)
            words = _first_line(
                item.prompt if item.prompt is not None else turn.text if turn else ""
            )
            edited = " (edited)" if item.prompt is not None else ""
            label = dict(SHOWS)[item.show].lower()
            self.items.addItem(shown(f"{number}. {words or '(no prompt)'}{edited} — {label}"))
        self.items.setCurrentRow(min(max(row, 0), self.items.count() - 1))
        self.items.blockSignals(False)
        self._show_item(self.items.currentRow())

    def _item(self, row: int | None = None) -> PostItem | None:
        row = self.items.currentRow() if row is None else row
        if self.block is None or not 0 <= row < len(self.block.items):
            return None
        return self.block.items[row]

    def _exchange(self, item: PostItem) -> tuple[Turn | None, Reply | None]:
        assert self.lookup is not None
        assert self.block is not None
        turn = self.lookup.turns.get(item.turn_id)
        if turn is None:
            return None, None
        if item.reply_id is not None:
            found = self.lookup.replies.get(item.reply_id)
            return turn, found[1] if found else None
        replies = [r for r in turn.replies if r.seat_id == self.block.seat_id]
        return turn, replies[-1] if replies else None

    def _show_item(self, row: int, switched: bool = False) -> None:
        item = self._item(row)
        turn, reply = self._exchange(item) if item is not None else (None, None)
        for widget in (self.show_as, self.prompt, self.original, self.use_original, self.answer):
            widget.setEnabled(item is not None)
        original = turn.text if turn is not None else ""
        showing_original = self.original.isChecked() or item is None or item.prompt is None
        prompt = original if showing_original or item is None else item.prompt or ""
        typing = self.prompt.hasFocus() and not self.original.isChecked() and not switched
        if self.prompt.toPlainText() != prompt and not typing:
            self.prompt.blockSignals(True)
            self.prompt.setPlainText(prompt)
            self.prompt.blockSignals(False)
        self.prompt.setReadOnly(self.original.isChecked())
        edited = item is not None and item.prompt is not None
        self.use_original.setEnabled(edited)
        if not edited:
            note = "As sent."
        elif self.original.isChecked():
            note = "The original, as sent."
        else:
            note = "Shown as you edited it; the original is kept."
        self.edited_note.setText(note)
        if item is not None:
            self.show_as.setCurrentIndex(self.show_as.findData(item.show))
        # Offered where there is a reasoning to show, and an answer to show it with.
        thought = reply is not None and bool(reply.reasoning.strip())
        self.with_reasoning.setVisible(thought)
        self.with_reasoning.setEnabled(item is not None and item.show is not ItemShow.PROMPT)
        self.with_reasoning.setChecked(item is not None and item.reasoning)
        text = reply.text if reply is not None else ""
        if self.answer.toPlainText() != text:
            self.answer.setPlainText(text)
        self._mark_excerpt(item if item is not None and item.show is ItemShow.EXCERPT else None)

    def _mark_excerpt(self, item: PostItem | None) -> None:
        marks = []
        if item is not None and item.start is not None and item.end is not None:
            mark = QTextEdit.ExtraSelection()
            mark.cursor = QTextCursor(self.answer.document())
            mark.cursor.setPosition(min(item.start, len(self.answer.toPlainText())))
            mark.cursor.setPosition(
                min(item.end, len(self.answer.toPlainText())), QTextCursor.MoveMode.KeepAnchor
            )
            mark.format = QTextCharFormat()
            mark.format.setBackground(QColor(255, 220, 90, 150))
            marks.append(mark)
        self.answer.setExtraSelections(marks)

    # -- edits ---------------------------------------------------------------------------

    def _set(self, text: str, **fields: object) -> None:
        row = self.items.currentRow()
        if self._item(row) is not None:
            self.push(edits.set_item(self.index, row, **fields), text)

    def _commit_section(self) -> None:
        if self.block is None:
            return
        self.heading.setModified(False)
        self.reaction.setModified(False)
        heading, reaction = self.heading.text().strip(), self.reaction.text().strip()
        if (heading or None, reaction or None) != (self.block.heading, self.block.reaction):
            self.push(edits.set_section(self.index, heading, reaction), "Edit section")

    def _react(self, face: str) -> None:
        self.reaction.setText(face)
        self._commit_section()

    def _commit_prompt(self) -> None:
        item = self._item()
        if item is None or self.original.isChecked():
            return
        turn, _reply = self._exchange(item)
        text = self.prompt.toPlainText()
        wanted = None if turn is not None and text == turn.text else text
        if wanted != item.prompt:
            self._set(prompt=wanted, text="Edit the prompt as shown")

    def _choose_show(self, index: int) -> None:
        item = self._item()
        show = ItemShow(self.show_as.itemData(index))
        if item is None or show == item.show:
            return
        if show is ItemShow.EXCERPT and not self._selection() and item.start is None:
            self.say("Select the words to show in the answer below, then choose the excerpt.")
            self.show_as.setCurrentIndex(self.show_as.findData(item.show))
            return
        if show is ItemShow.EXCERPT and self._selection():
            self.use_selection()
            return
        self._set(show=show, text="Change how the answer shows")

    def _selection(self) -> tuple[int, int] | None:
        cursor = self.answer.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        return (start, end) if start < end else None

    def use_selection(self) -> None:
        """Show only the words selected in the answer (an excerpt)."""
        selected = self._selection()
        if selected is None:
            self.say("Select the words to show in the answer first.")
            return
        start, end = selected
        self._set(show=ItemShow.EXCERPT, start=start, end=end, text="Show an excerpt")

    def move_item(self, by: int) -> None:
        """Move the selected exchange up or down (Alt+Up, Alt+Down)."""
        row = self.items.currentRow()
        if row < 0 or not 0 <= row + by < self.items.count():
            return
        self.push(edits.move_item(self.index, row, by), "Move exchange")
        self.items.setCurrentRow(row + by)

    def _dragged(self, _parent: object, start: int, _end: int, _to: object, row: int) -> None:
        to = row - 1 if row > start else row  # Qt counts the row before the move
        if to != start:
            QTimer.singleShot(0, lambda: self._drop(start, to))

    def _drop(self, start: int, to: int) -> None:
        self.push(edits.move_item(self.index, start, to - start), "Move exchange")
        self.items.setCurrentRow(to)

    def remove_item(self) -> None:
        """Take the selected exchange out of the section (undo puts it back)."""
        row = self.items.currentRow()
        if self._item(row) is not None:
            self.push(edits.remove_item(self.index, row), "Remove exchange")

    def _add_menu(self) -> None:
        if self.block is None or self.lookup is None:
            return
        present = {item.turn_id for item in self.block.items}
        menu = QMenu(self)
        seat_id = self.block.seat_id
        for turn in self.lookup.turns.values():
            answered = any(r.seat_id == seat_id for r in turn.replies)
            if seat_id in turn.targets and answered and turn.id not in present:
                action = menu.addAction(shown(_first_line(turn.text) or "(no prompt)"))
                action.triggered.connect(
                    lambda _=False, t=turn.id: self.push(
                        edits.add_items(self.index, [t]), "Add exchange"
                    )
                )
        if menu.isEmpty():
            menu.addAction("Every exchange of this seat is in the section").setEnabled(False)
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(self.add_button.mapToGlobal(self.add_button.rect().bottomLeft()))
