"""What the pane's newest reply thought before it answered.

A line above the answers grows while the model thinks ("Thinking… 12 s · 340 words"),
says how long it thought once the answer starts ("Thought for 34 s · 1,240 words") and
opens to the reasoning itself. The reasoning is a stranger's text: shown as plain text
with direction overrides made visible, and bounded (a 5 MB thought shows its last
:data:`MAX_SHOWN` characters and says so), so it can neither run a link nor freeze the
window. Words are counted as the text arrives, never by reading it all again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from desktop.core.records.model import Reply
from desktop.core.session.totals import thought_summary
from desktop.ui.utils.shown import shown

MAX_SHOWN = 200_000  # characters of reasoning the panel holds at most
TICK_MS = 1000  # how often a live "Thinking…" line says the time again


class ThoughtPanel(QWidget):
    """The newest reply's reasoning: a summary line that opens to the text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QToolButton()
        self.line.setCheckable(True)
        self.line.setAutoRaise(True)
        self.line.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.line.setArrowType(Qt.ArrowType.RightArrow)
        self.line.setAccessibleName("Reasoning")
        self.line.setToolTip("Show what the model thought before it answered")
        self.line.toggled.connect(self._open)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("What the model thought")
        self.text.setMaximumHeight(180)
        self.text.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.line, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.text)
        self._reply: Reply | None = None
        self._counted = 0  # characters of the reasoning counted (and shown, when open)
        self.words = 0
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._say)
        self.hide()

    def follow(self, reply: Reply | None) -> None:
        """Show ``reply``'s reasoning as it is now (hidden when it has none)."""
        if reply is not self._reply:
            self._reply, self._counted, self.words = reply, 0, 0
            self.text.clear()
        if reply is None or not reply.reasoning:
            self._tick.stop()
            self.hide()
            return
        self._take(reply.reasoning)
        self.show()
        self._say()
        if self.thinking:
            if not self._tick.isActive():
                self._tick.start()
        else:
            self._tick.stop()

    def words_of(self, reply: Reply) -> int:
        """How many words ``reply`` thought (counted as they came when this panel
        followed it; counted now otherwise, once, as a reply is drawn from a file)."""
        if reply is self._reply and self._counted == len(reply.reasoning):
            return self.words
        return len(reply.reasoning.split())

    @property
    def thinking(self) -> bool:
        """The reply is still thinking: no answer yet, and not ended."""
        reply = self._reply
        return reply is not None and reply.first_token_at is None and not reply.status.is_final

    def summary(self) -> str:
        """The line's words: how long the reply thought, and how much."""
        if self._reply is None:
            return ""
        return thought_summary(self._reply, self.words, self.thinking)

    def _say(self) -> None:
        self.line.setText(self.summary())

    def _take(self, reasoning: str) -> None:
        """Count (and show, when open) what came since the last time."""
        if len(reasoning) < self._counted:  # replaced, not extended
            self._counted, self.words = 0, 0
            self.text.clear()
        new = reasoning[self._counted :]
        if not new:
            return
        before = reasoning[self._counted - 1] if self._counted else " "
        self.words += len(new.split())
        if not before.isspace() and not new[0].isspace() and self.words:
            self.words -= 1  # a word split across two deltas
        self._counted = len(reasoning)
        if self.line.isChecked():
            self._append(new)

    def _append(self, new: str) -> None:
        document = self.text.document()
        if document.characterCount() + len(new) > 2 * MAX_SHOWN:
            self._fill()  # start again from the last MAX_SHOWN characters
            return
        cursor = QTextCursor(document)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(shown(new))

    def _fill(self) -> None:
        reply = self._reply
        reasoning = reply.reasoning[: self._counted] if reply is not None else ""
        if len(reasoning) > MAX_SHOWN:
            cut = len(reasoning) - MAX_SHOWN
            head = f"[The first {cut:,} characters are not shown: the thought is too long.]\n"
            reasoning = head + reasoning[-MAX_SHOWN:]
        self.text.setPlainText(shown(reasoning))

    def _open(self, on: bool) -> None:
        arrow = Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow
        self.line.setArrowType(arrow)
        if on:
            self._fill()
            self.text.moveCursor(QTextCursor.MoveOperation.End)
        self.text.setVisible(on)
