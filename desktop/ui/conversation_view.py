"""A seat's conversation: your turns and its replies, Markdown rendered as it streams.

Earlier turns are rendered once. The streaming reply is rendered incrementally: blocks
that can no longer change are appended once; only the open tail is redrawn, at most
every ``REDRAW_MS`` milliseconds, then the whole reply is rendered once at the end.
Links open in the system browser only on click and only for http(s) and mailto; no
remote image is ever fetched; raw HTML in model output shows as text.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from desktop.ui.markdown_blocks import finished_length

REDRAW_MS = 50
_MARKDOWN = QTextDocument.MarkdownFeature(
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub.value
    | QTextDocument.MarkdownFeature.MarkdownNoHTML.value
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


class ConversationView(QTextBrowser):
    """Read-only, selectable view of one seat's side of the session."""

    link_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self._stream_start = 0  # document position where the streaming reply begins
        self._finished_end = 0  # document position after its finished blocks
        self._finished_chars = 0  # characters of the reply text rendered as finished
        self._text = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self._render_pending)
        self.redraws = 0

    # -- history -------------------------------------------------------------------------

    def clear_all(self) -> None:
        self._timer.stop()
        self.clear()
        self._stream_start = self._finished_end = self._finished_chars = 0
        self._text = ""

    def add_user_turn(self, heading: str, text: str) -> None:
        """Append what the user sent, as a quoted block under a heading."""
        cursor = self._end()
        if not self.document().isEmpty():
            cursor.insertBlock()
        cursor.insertHtml(
            f"<p><b>{html.escape(heading)}</b></p>"
            f"<blockquote>{html.escape(text).replace(chr(10), '<br>')}</blockquote>"
        )
        # A fresh block with default formats, so the reply does not inherit the quote's.
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())

    def add_reply(self, markdown: str) -> None:
        """Append a whole reply rendered from Markdown (earlier turns, or a final render)."""
        cursor = self._end()
        cursor.insertMarkdown(markdown, _MARKDOWN)

    def add_note(self, text: str) -> None:
        """Append a plain status line (an error, a stop) under the reply."""
        cursor = self._end()
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        cursor.insertHtml(f"<p><i>{html.escape(text)}</i></p>")

    # -- streaming -----------------------------------------------------------------------

    def begin_stream(self) -> None:
        """Start a reply that will arrive in pieces."""
        self._text = ""
        self._finished_chars = 0
        self._stream_start = self._finished_end = self._end().position()

    def update_stream(self, text: str) -> None:
        """The streaming reply's whole text so far; drawn at a bounded rate."""
        self._text = text
        if not self._timer.isActive():
            self._timer.start()

    def finish_stream(self, text: str) -> None:
        """Render the complete reply once, in full."""
        self._timer.stop()
        self._text = text
        cursor = self._cleared_from(self._stream_start)
        cursor.insertMarkdown(text, _MARKDOWN)
        self._finished_end = self._end().position()

    def _render_pending(self) -> None:
        self.redraws += 1
        text = self._text
        scrollbar = self.verticalScrollBar()
        at_bottom = scrollbar.value() >= scrollbar.maximum() - 4
        cursor = self._cleared_from(self._finished_end)
        done = finished_length(text, self._finished_chars)
        if done > self._finished_chars:
            cursor.insertMarkdown(text[self._finished_chars : done], _MARKDOWN)
            self._finished_chars = done
            self._finished_end = cursor.position()
        tail = text[done:]
        if tail:
            cursor.insertMarkdown(tail, _MARKDOWN)
        if at_bottom:
            scrollbar.setValue(scrollbar.maximum())

    # -- safety --------------------------------------------------------------------------

    def _cleared_from(self, position: int) -> QTextCursor:
        """Delete everything from ``position`` on and reset the block left there.

        Deleting text keeps the first block's format (a list item, a quote's margin);
        the next insertion would inherit it, so it is reset to a plain paragraph.
        """
        cursor = self._end()
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        current_list = cursor.currentList()
        if current_list is not None:
            current_list.remove(cursor.block())
        cursor.setBlockFormat(QTextBlockFormat())
        cursor.setBlockCharFormat(QTextCharFormat())
        return cursor

    def _end(self) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        return cursor

    def _open_link(self, url: QUrl) -> None:
        if url.scheme().lower() in SAFE_SCHEMES:
            QDesktopServices.openUrl(url)
        else:
            self.link_refused.emit(url.toString())

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        """Never fetch anything (remote images in model output stay unloaded)."""
        return None
