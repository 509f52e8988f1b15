"""A seat's conversation: your turns and its replies, Markdown rendered as it streams.

Earlier turns are rendered once. The streaming reply is rendered incrementally: blocks
that can no longer change are appended once; only the open tail is redrawn, at most
every ``REDRAW_MS`` milliseconds (the process's views share one redraw budget, see
``redraw_queue``), then what is left is rendered once at the end. Each redraw is one
edit block, so the document lays itself out once per redraw, not once per insertion.
Links show their real address on hover and open in the system browser only on click and
only for http(s) and mailto; no image is ever loaded from a file, a device, the network
or a data: URL; raw HTML in model output shows as text.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QByteArray, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from desktop.ui.code_highlighter import CodeHighlighter
from desktop.ui.markdown_blocks import finished_length
from desktop.ui.redraw_queue import RedrawQueue, shared_queue

_MARKDOWN = QTextDocument.MarkdownFeature(
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub.value
    | QTextDocument.MarkdownFeature.MarkdownNoHTML.value
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_PLACEHOLDER = "\u2060"  # word joiner: an invisible character that makes a paragraph


class ConversationView(QTextBrowser):
    """Read-only, selectable view of one seat's side of the session."""

    link_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None, queue: RedrawQueue | None = None) -> None:
        super().__init__(parent)
        # Nobody undoes edits in a read-only view; the undo stack only cost time and memory.
        self.document().setUndoRedoEnabled(False)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.link_target = ""  # the address under the mouse, shown before any click
        self.highlighted.connect(self._show_target)
        self._reply_start = 0  # document position where the newest reply begins
        self._stream_start = 0  # document position where the streaming reply begins
        self._finished_end = 0  # document position after its finished blocks
        self._finished_chars = 0  # characters of the reply text rendered as finished
        self._text = ""
        self._queue = queue or shared_queue()
        self._turn_starts: list[tuple[str, int]] = []  # turn id, document position
        # How often the history was cleared and how many turns were drawn: a new turn or
        # a retry must draw only itself (the tests count).
        self.redraws = 0
        self.clears = 0
        self.turns_drawn = 0
        self._highlighter = CodeHighlighter(self.document())

    # -- history -------------------------------------------------------------------------

    def clear_all(self) -> None:
        """Empty the view (before drawing a whole conversation again)."""
        self.clears += 1
        self._queue.discard(self)
        self._turn_starts.clear()
        self.clear()
        self._reply_start = self._stream_start = self._finished_end = self._finished_chars = 0
        self._text = ""

    def add_user_turn(
        self, heading: str, text: str, files: Sequence[str] = (), turn_id: str = ""
    ) -> None:
        """Append what the user sent, as a quoted block under a heading, files first."""
        self.turns_drawn += 1
        with self._edit() as cursor:
            if not self.document().isEmpty():
                # Default formats: after a reply ending in code, a plain insertBlock()
                # made the heading a line of that code block (found in a screenshot).
                cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            self._turn_starts.append((turn_id, cursor.position()))
            attached = "".join(f"📎 {html.escape(line)}<br>" for line in files)
            cursor.insertHtml(
                f"<p><b>{html.escape(heading)}</b></p>"
                f"<blockquote>{attached}{html.escape(text).replace(chr(10), '<br>')}</blockquote>"
            )
            # A fresh block with default formats, so the reply does not inherit the quote's.
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())

    def turn_anchors(self) -> list[tuple[str, float]]:
        """Each turn's id and the y (in scroll-bar units) where its heading starts."""
        layout = self.document().documentLayout()
        anchors = []
        for turn_id, position in self._turn_starts:
            block = self.document().findBlock(position)
            if block.isValid():
                anchors.append((turn_id, layout.blockBoundingRect(block).top()))
        return anchors

    def scroll_to_end(self) -> None:
        """Show the newest turn."""
        scrollbar = self.verticalScrollBar()
        scrollbar.setValue(scrollbar.maximum())

    def add_reply(self, markdown: str) -> None:
        """Append a whole reply rendered from Markdown (earlier turns, or a final render)."""
        self._reply_start = self._end().position()
        with self._edit():
            self._append_markdown(markdown)

    def add_note(self, text: str) -> None:
        """Append a plain status line (an error, a stop, how a file went) under the reply."""
        with self._edit() as cursor:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            lines = "<br>".join(html.escape(line) for line in text.splitlines())
            cursor.insertHtml(f"<p><i>{lines}</i></p>")

    # -- streaming -----------------------------------------------------------------------

    def begin_stream(self) -> None:
        """Start a reply that will arrive in pieces."""
        self._text = ""
        self._finished_chars = 0
        self._reply_start = self._stream_start = self._finished_end = self._end().position()

    def replace_reply(self) -> None:
        """Take the newest reply (and its notes) away and start streaming its successor
        in its place (a retry); everything before it stays as drawn."""
        self._queue.discard(self)
        with self._edit():
            self._clear_from(self._reply_start)
        self.begin_stream()

    def update_stream(self, text: str) -> None:
        """The streaming reply's whole text so far; drawn at a bounded rate."""
        self._text = text
        self._queue.request(self)

    def finish_stream(self, text: str) -> None:
        """Render the end of the reply: what is left becomes finished blocks too.

        Finished blocks already on screen are exactly what a one-shot render gives (the
        tests compare the two), so only the tail is rendered again, not the whole reply:
        a full re-render of a long answer stalled the window for 100+ ms per pane.
        """
        self._queue.discard(self)
        if not text.startswith(self._text[: self._finished_chars]):
            self._finished_chars = 0  # the text was replaced, not extended
            self._finished_end = self._stream_start
        self._text = text
        with self._edit():
            self._clear_from(self._finished_end)
            rest = text[self._finished_chars :]
            if rest.strip():
                self._append_markdown(rest)
        self._finished_chars = len(text)
        self._finished_end = self._end().position()

    def redraw(self) -> None:
        """Draw the streaming reply as it is now (called by the redraw queue)."""
        self.redraws += 1
        text = self._text
        scrollbar = self.verticalScrollBar()
        at_bottom = scrollbar.value() >= scrollbar.maximum() - 4
        with self._edit():
            self._clear_from(self._finished_end)
            done = finished_length(text, self._finished_chars)
            if done > self._finished_chars:
                self._append_markdown(text[self._finished_chars : done])
                self._finished_chars = done
                self._finished_end = self._end().position()
            tail = text[done:]
            if tail.strip():
                self._append_markdown(tail)
        if at_bottom:
            scrollbar.setValue(scrollbar.maximum())

    # -- safety --------------------------------------------------------------------------

    def _clear_from(self, position: int) -> None:
        """Delete everything from ``position`` (the end of a finished block) on."""
        cursor = self._end()
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()

    def _append_markdown(self, markdown: str) -> None:
        """Append Markdown as blocks of their own after the document's last block.

        ``insertMarkdown`` merges the fragment's first block into the block at the
        cursor, which keeps that block's format: a reply starting with a quote or a
        list would lose it, and a streamed piece would run into the previous one. So
        the fragment is led by a throwaway paragraph that takes the merge, and that
        paragraph is then removed together with the block break before it.
        """
        cursor = self._end()
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        start = cursor.position()
        cursor.insertMarkdown(f"{_PLACEHOLDER}\n\n{markdown}", _MARKDOWN)
        cursor.setPosition(start - 1)
        cursor.setPosition(start + len(_PLACEHOLDER), QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._images_as_text(start - 1)

    def _images_as_text(self, start: int) -> None:
        """Replace every image from ``start`` on with its address as text.

        Model output may name any file, device, share or data: URL as an image, and Qt's
        image handler reads a path itself when the resource it is given is empty. No
        image of model output is ever loaded; the reader sees where it pointed.
        """
        images = []
        block = self.document().findBlock(start)
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                if fragment.charFormat().isImageFormat():
                    name = fragment.charFormat().toImageFormat().name()
                    images.append((fragment.position(), fragment.length(), name))
                iterator += 1
            block = block.next()
        cursor = QTextCursor(self.document())
        for position, length, name in reversed(images):
            cursor.setPosition(position)
            cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
            shown = name if len(name) <= 80 else name[:79] + "…"  # a data: URL can be MBs
            cursor.insertText(f"[image not loaded: {shown}]", QTextCharFormat())

    @contextmanager
    def _edit(self) -> Iterator[QTextCursor]:
        """One edit block at the end of the document: one layout pass, one repaint."""
        cursor = self._end()
        cursor.beginEditBlock()
        try:
            yield cursor
        finally:
            cursor.endEditBlock()

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
        """Load nothing that model output names: no file, device, network or data: URL.

        Images never get here (see ``_images_as_text``); this is the second line. An
        empty value, not None: given nothing, QTextDocument reads local paths and decodes
        data: URLs itself, on the GUI thread (``![x](/dev/zero)`` froze the window until
        memory ran out; a data: picture could draw a fake dialog).
        """
        return QByteArray()

    def _show_target(self, url: QUrl) -> None:
        """Hovering a link shows where it really goes (its text may claim another)."""
        self.link_target = url.toString()
        # Escaped inside <qt>: the address is shown as text, never read as markup.
        tip = f"<qt>{html.escape(self.link_target)}</qt>" if self.link_target else ""
        self.setToolTip(tip)
