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
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QByteArray, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QFontDatabase,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from desktop.ui.table.code_highlighter import CodeHighlighter
from desktop.ui.table.markdown_blocks import BlockScanner, split_blocks
from desktop.ui.table.redraw_queue import RedrawQueue, shared_queue

_MARKDOWN = QTextDocument.MarkdownFeature(
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub.value
    | QTextDocument.MarkdownFeature.MarkdownNoHTML.value
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_PLACEHOLDER = "\u2060"  # word joiner: an invisible character that makes a paragraph
# An unfinished block longer than this many characters is shown as plain text while it
# grows (appended to, never drawn again) and as Markdown once it is finished: drawing it
# whole on every redraw made a long one quadratic (a 5 MB line, an unclosed code fence
# froze the window). Below it a redraw takes a few milliseconds, highlighted code too.
TAIL_CAP = 3_000
# A finished block longer than this stays plain text: Qt takes about a second to lay
# out 100 kB of Markdown, several for highlighted code.
BLOCK_CAP = 30_000
# Plain text goes in as paragraphs of at most this many characters: Qt lays a paragraph
# out again, whole, each time text is added to it.
PLAIN_PARAGRAPH = 2_000


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
        self._scanner = BlockScanner()
        self._plain_shown: int | None = None  # the tail is plain text up to here
        self._plain_column = 0  # the length of the plain tail's last paragraph
        self._plain_code = False  # the plain tail is a code block: shown monospace
        self._queue = queue or shared_queue()
        self._turn_starts: list[tuple[str, int]] = []  # turn id, document position
        self._reply_starts: list[tuple[str, int]] = []  # reply id, document position
        # How often the history was cleared and how many turns were drawn: a new turn or
        # a retry must draw only itself (the tests count).
        self.redraws = 0
        self.clears = 0
        self.turns_drawn = 0
        # How much each of the latest Markdown reads handed Qt: a growing block must not
        # be read again on every redraw (the tests count).
        self.markdown_reads: deque[int] = deque(maxlen=1000)
        self._highlighter = CodeHighlighter(self.document())

    # -- history -------------------------------------------------------------------------

    def clear_all(self) -> None:
        """Empty the view (before drawing a whole conversation again)."""
        self.clears += 1
        self._queue.discard(self)
        self._turn_starts.clear()
        self._reply_starts.clear()
        self.clear()
        self._reply_start = self._stream_start = self._finished_end = self._finished_chars = 0
        self._text = ""
        self._scanner, self._plain_shown = BlockScanner(), None

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

    def add_reply(self, markdown: str, reply_id: str = "") -> None:
        """Append a whole reply rendered from Markdown (earlier turns, or a final render)."""
        self._reply_start = self._end().position()
        self._reply_starts.append((reply_id, self._reply_start))
        with self._edit():
            self._append_blocks(markdown)

    def add_note(self, text: str) -> None:
        """Append a plain status line (an error, a stop, how a file went) under the reply."""
        with self._edit() as cursor:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            lines = "<br>".join(html.escape(line) for line in text.splitlines())
            cursor.insertHtml(f"<p><i>{lines}</i></p>")

    def add_html_note(self, markup: str) -> None:
        """Append a note built as HTML by a caller that escaped every stranger's word
        in it (a reply's sources)."""
        with self._edit() as cursor:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            cursor.insertHtml(f"<p><small>{markup}</small></p>")

    # -- streaming -----------------------------------------------------------------------

    def begin_stream(self, reply_id: str = "") -> None:
        """Start a reply that will arrive in pieces."""
        self._text = ""
        self._finished_chars = 0
        self._scanner, self._plain_shown = BlockScanner(), None
        self._reply_start = self._stream_start = self._finished_end = self._end().position()
        self._reply_starts.append((reply_id, self._reply_start))

    def replace_reply(self, reply_id: str = "") -> None:
        """Take the newest reply (and its notes) away and start streaming its successor
        in its place (a retry); everything before it stays as drawn."""
        self._queue.discard(self)
        with self._edit():
            self._clear_from(self._reply_start)
        if self._reply_starts:
            self._reply_starts.pop()
        self.begin_stream(reply_id)

    def reply_spans(self) -> list[tuple[str, int, int]]:
        """Each reply drawn: its id and where it starts and ends in the document."""
        replies = {reply_id for reply_id, _ in self._reply_starts}
        return [span for span in self.spans() if span[0] in replies]

    def spans(self) -> list[tuple[str, int, int]]:
        """Each turn (its heading and prompt) and reply drawn: id, start and end."""
        starts = sorted(p for _, p in self._turn_starts + self._reply_starts)
        end = self.document().characterCount() - 1
        return [
            (item_id, start, next((p for p in starts if p > start), end))
            for item_id, start in self._turn_starts + self._reply_starts
        ]

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
            rest = text[self._finished_chars :]
            kept = self._plain_kept(rest)
            if kept:  # already on screen as it will stay: only the end is added
                shown = self._plain_shown - self._finished_chars  # type: ignore[operator]
                self._append_plain(rest[shown:kept], self._plain_code)
                rest = rest[kept:]
            else:
                self._clear_from(self._finished_end)
            if rest.strip():
                self._append_blocks(rest)
        self._finished_chars = len(text)
        self._finished_end = self._end().position()
        self._scanner, self._plain_shown = BlockScanner(), None

    def redraw(self) -> None:
        """Draw the streaming reply as it is now (called by the redraw queue)."""
        self.redraws += 1
        text = self._text
        scrollbar = self.verticalScrollBar()
        at_bottom = scrollbar.value() >= scrollbar.maximum() - 4
        with self._edit():
            done = self._scanner.finished_length(text)
            if done > self._finished_chars:
                self._clear_from(self._finished_end)
                self._plain_shown = None
                self._append_blocks(text[self._finished_chars : done])
                self._finished_chars = done
                self._finished_end = self._end().position()
            if self._plain_shown is None and len(text) - done <= TAIL_CAP:
                self._clear_from(self._finished_end)
                if text[done:].strip():
                    self._append_markdown(text[done:])
            else:
                self._grow_plain_tail(text, done)
        if at_bottom:
            scrollbar.setValue(scrollbar.maximum())

    # -- safety --------------------------------------------------------------------------

    def _clear_from(self, position: int) -> None:
        """Delete everything from ``position`` (the end of a finished block) on."""
        cursor = self._end()
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()

    def _grow_plain_tail(self, text: str, done: int) -> None:
        """Show the unfinished block as plain text, adding only what is new."""
        if self._plain_shown is None:
            self._clear_from(self._finished_end)
            self._plain_shown, self._plain_column = done, 0
            self._plain_code = _opens_fence(text[done:])
            self._end().insertBlock(QTextBlockFormat(), QTextCharFormat())
        self._append_plain(text[self._plain_shown :], self._plain_code)
        self._plain_shown = len(text)

    def _plain_kept(self, rest: str) -> int:
        """The length of the part of ``rest`` shown as the plain tail that stays plain
        once finished (0: none); a megabytes long block is not drawn twice."""
        if self._plain_shown is None:
            return 0
        first = split_blocks(rest)[0] if rest else ""
        return len(first.rstrip("\n")) if len(first) > BLOCK_CAP else 0

    def _append_blocks(self, markdown: str) -> None:
        """Append finished blocks as Markdown, but a block over BLOCK_CAP as plain text."""
        if len(markdown) <= BLOCK_CAP:
            self._append_markdown(markdown)
            return
        pending: list[str] = []
        for block in [*split_blocks(markdown), ""]:
            if len(block) <= BLOCK_CAP and block:
                pending.append(block)
                continue
            if "".join(pending).strip():
                self._append_markdown("".join(pending))
            pending = []
            if block:
                self._end().insertBlock(QTextBlockFormat(), QTextCharFormat())
                self._plain_column = 0
                self._append_plain(block.rstrip("\n"), _opens_fence(block))

    def _append_plain(self, text: str, code: bool) -> None:
        """Add ``text`` at the end as plain text (monospace for ``code``), cutting lines
        into paragraphs of at most PLAIN_PARAGRAPH characters."""
        pieces = []
        column = self._plain_column
        for number, line in enumerate(text.split("\n")):
            if number:
                pieces.append("\n")
                column = 0
            while len(line) > PLAIN_PARAGRAPH - column:
                cut = PLAIN_PARAGRAPH - column
                pieces += [line[:cut], "\n"]
                line, column = line[cut:], 0
            pieces.append(line)
            column += len(line)
        self._plain_column = column
        fmt = QTextCharFormat()
        if code:
            fmt.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._end().insertText("".join(pieces), fmt)

    def _append_markdown(self, markdown: str) -> None:
        """Append Markdown as blocks of their own after the document's last block.

        ``insertMarkdown`` merges the fragment's first block into the block at the
        cursor, which keeps that block's format: a reply starting with a quote or a
        list would lose it, and a streamed piece would run into the previous one. So
        the fragment is led by a throwaway paragraph that takes the merge, and that
        paragraph is then removed together with the block break before it.
        """
        self.markdown_reads.append(len(markdown))
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


def _opens_fence(block: str) -> bool:
    """Whether a block is fenced code (looking at its start only: it may be huge)."""
    return block[:64].lstrip().startswith(("```", "~~~"))
