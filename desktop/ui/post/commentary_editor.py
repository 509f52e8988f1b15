"""The commentary editor: Markdown with a formatting bar, quotes named, not id'd.

The bar puts Markdown around the selection (bold, italic, a link) or at the start of
the selected lines (a heading, a quote, a list), the way a writer's editor does, so the
stored commentary stays plain Markdown she could have typed. Quotes show as
``[words](quote 1)`` (``QuoteNames``): what she reads is her words, never an id.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from desktop.core.post.quote_names import QuoteNames

# (label, tooltip, shortcut, before, after): around the selection.
_INLINE = (
    ("B", "Bold", "Ctrl+B", "**", "**"),
    ("I", "Italic", "Ctrl+I", "*", "*"),
    ("</>", "Code", "Ctrl+E", "`", "`"),
    ("Link", "Link", "Ctrl+K", "[", "](https://)"),
)
# (label, tooltip, shortcut, prefix): at the start of each selected line.
_LINES = (
    ("H", "Heading", "Ctrl+Alt+2", "## "),
    ("❝", "Quote", "Ctrl+Shift+9", "> "),
    ("•", "List", "Ctrl+Shift+8", "- "),
)


class CommentaryEditor(QWidget):
    """One commentary block's Markdown; ``edited`` as she types."""

    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.names = QuoteNames()
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Your commentary, in Markdown")
        self.text.setAccessibleName("Commentary")
        self.text.textChanged.connect(self.edited)
        self.bar = QHBoxLayout()
        self.buttons: dict[str, QToolButton] = {}
        for label, tip, key, before, after in _INLINE:
            self._button(label, tip, key, lambda _=False, b=before, a=after: self.wrap(b, a))
        for label, tip, key, prefix in _LINES:
            self._button(label, tip, key, lambda _=False, p=prefix: self.prefix_lines(p))
        self.bar.addStretch()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.bar)
        column.addWidget(self.text)

    def _button(self, label: str, tip: str, key: str, slot: object) -> None:
        button = QToolButton()
        button.setText(label)
        button.setShortcut(QKeySequence(key))
        button.setToolTip(
            f"{tip} ({QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        button.setAccessibleName(tip)
        font = button.font()
        font.setBold(tip == "Bold")
        font.setItalic(tip == "Italic")
        button.setFont(font)
        button.clicked.connect(slot)
        self.bar.addWidget(button)
        self.buttons[tip] = button

    def markdown(self) -> str:
        """The Markdown as the post stores it (quotes with their targets)."""
        return self.names.stored(self.text.toPlainText())

    def show_markdown(self, stored: str) -> None:
        """Show ``stored``; the cursor stays put when it is what is shown already."""
        wanted = self.names.shown(stored)
        if self.text.toPlainText() != wanted:
            self.text.blockSignals(True)
            self.text.setPlainText(wanted)
            self.text.blockSignals(False)

    def insert_quote(self, words: str, target: str) -> None:
        """``[words](quote N)`` at the cursor."""
        self.text.insertPlainText(f"[{words}]({self.names.name(target)})")

    def wrap(self, before: str, after: str) -> None:
        """Put ``before`` and ``after`` around the selection (or at the cursor)."""
        cursor = self.text.textCursor()
        words = cursor.selectedText().replace("\u2029", "\n")  # Qt's paragraph mark
        cursor.insertText(f"{before}{words}{after}")
        if not words:  # inside the empty pair, ready to type
            cursor.movePosition(QTextCursor.MoveOperation.Left, n=len(after))
        self.text.setTextCursor(cursor)
        self.text.setFocus()

    def prefix_lines(self, prefix: str) -> None:
        """Start each selected line (or the cursor's) with ``prefix``, or take it off
        when they all have it."""
        cursor = self.text.textCursor()
        document = self.text.document()
        first = document.findBlock(cursor.selectionStart()).blockNumber()
        last = document.findBlock(cursor.selectionEnd()).blockNumber()
        blocks = [document.findBlockByNumber(n) for n in range(first, last + 1)]
        remove = all(b.text().startswith(prefix) for b in blocks)
        cursor.beginEditBlock()
        for block in blocks:
            at = QTextCursor(block)
            if remove:
                at.movePosition(
                    QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, len(prefix)
                )
                at.removeSelectedText()
            else:
                at.insertText(prefix)
        cursor.endEditBlock()
        self.text.setFocus()
