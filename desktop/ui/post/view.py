"""The post view: the post's blocks to edit, beside a live preview of the post as
``roundtable export --to html`` writes it (rendered here; nothing loaded, no script).

Writers see words, not ids: blocks are listed by what they say, sections by the
assistant's name. Every edit is an undo step (Edit → Undo) and goes through the session
document, so autosave and recovery keep it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from functools import partial

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.post import editing as edits
from desktop.core.post.attribution import attribution_line
from desktop.core.post.editing import PostEditing, PostState
from desktop.core.post.importing import Imported, ImportRefused
from desktop.core.post.plan import (
    Lookup,
    PostError,
    Section,
    default_post,
    plan_post,
)
from desktop.core.records.changes import Change, Problem, ReplyChanged, Saved, StateChanged
from desktop.core.records.post_blocks import (
    QUOTE_LINK_PREFIX,
    AttributionBlock,
    Post,
    PostBlock,
    ScoreboardBlock,
    SectionBlock,
    TextBlock,
    UnknownBlock,
)
from desktop.ui.post.attribution_editor import AttributionEditor
from desktop.ui.post.commentary_editor import CommentaryEditor
from desktop.ui.post.output import PostOutput
from desktop.ui.post.section_editor import SectionEditor
from desktop.ui.table.pane import SeatPane
from desktop.ui.utils.shown import shown
from desktop.ui.utils.window_context import WindowContext

PREVIEW_MS = 250  # typing redraws the preview this long after the last key


class _PostEdit(QUndoCommand):
    def __init__(self, editing: PostEditing, do: Callable[[], PostState], text: str) -> None:
        super().__init__(text)
        self.editing, self.do = editing, do
        self.before: PostState | None = None
        self.after: PostState | None = None

    def redo(self) -> None:
        if self.after is None:
            self.before = self.do()
            self.after = self.editing.state()
        else:
            self.editing.put(self.after)

    def undo(self) -> None:
        assert self.before is not None
        self.editing.put(self.before)


class _Preview(QTextBrowser):
    def loadResource(self, kind: int, name: object) -> object:
        return QByteArray()  # the page is whole: it never needs to fetch anything


class PostView(QWidget):
    """The post editor and its preview; ``rendered`` when the preview is drawn."""

    rendered = Signal()

    def __init__(
        self,
        context: WindowContext,
        undo: QUndoStack,
        take_scoreboard: Callable[[], Awaitable[PostBlock]] | None = None,
    ) -> None:
        """``take_scoreboard`` counts the library's votes into a scoreboard block (the
        library is the window's; without it, no scoreboard can be added)."""
        super().__init__()
        self.document, self.undo, self.say = context.document, undo, context.say
        self.tasks = context.tasks
        self.take_scoreboard = take_scoreboard
        self.editing = PostEditing(self.document)
        self.output = PostOutput(context, self)
        self.title, self.subtitle = QLineEdit(), QLineEdit()
        self.title.setPlaceholderText("The session's title")
        self.subtitle.setPlaceholderText("A subtitle (optional)")
        self.title.editingFinished.connect(
            lambda: self._field(self.title, self.post.title, edits.title, "Edit title")
        )
        self.subtitle.editingFinished.connect(
            lambda: self._field(self.subtitle, self.post.subtitle, edits.subtitle, "Edit subtitle")
        )
        self.blocks = QListWidget()
        self.blocks.setAccessibleName("Post blocks")
        self.blocks.setDragDropMode(QListWidget.DragDropMode.InternalMove)
        self.blocks.model().rowsMoved.connect(self._dragged)
        self.blocks.currentRowChanged.connect(self._show_block)
        self.commentary = CommentaryEditor()
        self.text = self.commentary.text
        self._typing = QTimer(self, singleShot=True, interval=PREVIEW_MS)
        self._typing.timeout.connect(self._commit_text)
        self.commentary.edited.connect(self._typing.start)
        self.section = SectionEditor(self._push, self.say)
        self.attribution = AttributionEditor(self._push)
        self.block_editor = QStackedWidget()
        empty = QLabel("Choose a block above to edit it.")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.newer = QLabel(
            "This block was made by a newer Roundtable. It is kept as it is and left out of "
            "exports; Up, Down and Remove work on it, editing does not."
        )
        self.newer.setWordWrap(True)
        self.newer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for page in (empty, self.commentary, self.section, self.attribution, self.newer):
            self.block_editor.addWidget(page)
        buttons = QHBoxLayout()
        for label, slot in (
            ("Add text", self.add_text),
            ("Add section", self._section_menu),
            ("Add scoreboard", self.add_scoreboard),
            ("Attribution", self.toggle_attribution),
            ("Up", lambda: self.move_block(-1)),
            ("Down", lambda: self.move_block(1)),
            ("Remove", self.remove),
        ):
            button = QPushButton(label)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        for key, by in (("Alt+Up", -1), ("Alt+Down", 1)):
            # Only in this list: the post view has two, each moving its own rows.
            move = QShortcut(QKeySequence(key), self.blocks, partial(self.move_block, by))
            move.setContext(Qt.ShortcutContext.WidgetShortcut)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Subtitle", self.subtitle)
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.addLayout(form)
        column.addWidget(self.blocks, 2)
        column.addLayout(buttons)
        column.addWidget(self.block_editor, 5)
        output = QHBoxLayout()
        output.addStretch()
        outputs: tuple[tuple[str, Callable[[], object]], ...] = (
            ("Copy post", self.output.copy_post),
            ("Export…", lambda: self.tasks.spawn(self.output.export())),
        )
        for label, do in outputs:
            button = QPushButton(label)
            button.clicked.connect(do)
            output.addWidget(button)
        column.addLayout(output)
        self.preview = _Preview()
        self.preview.setOpenLinks(False)
        self.preview.setAccessibleName("Post preview")
        split = QSplitter()
        split.addWidget(editor)
        split.addWidget(self.preview)
        split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(split)
        self.preview_ready = False
        self._redraw = QTimer(self, singleShot=True, interval=PREVIEW_MS)
        self._redraw.timeout.connect(self._render)

    @property
    def post(self) -> Post:
        return self.document.session.post

    def shown_blocks(self) -> list[PostBlock]:
        """The blocks as the post has them, or the default post's when it has none."""
        return self.post.blocks or default_post(self.document.session).blocks

    # -- keeping up with the document ----------------------------------------------------

    def follow(self, change: Change) -> None:
        """Keep up with the document while shown (not with every word of a stream)."""
        if not self.isVisible() or isinstance(change, Problem | StateChanged | Saved):
            return
        if isinstance(change, ReplyChanged) and not change.reply.status.is_final:
            return
        self.refresh()

    def refresh(self) -> None:
        """The post changed (or the session did): list its blocks, redraw the preview."""
        row = self.blocks.currentRow()
        for box, text in ((self.title, self.post.title), (self.subtitle, self.post.subtitle)):
            if not box.isModified():  # never what she is typing
                box.setText(text)
        self.blocks.blockSignals(True)
        self.blocks.clear()
        for block in self.shown_blocks():
            self.blocks.addItem(self._summary(block))
        self.blocks.setCurrentRow(min(max(row, 0), self.blocks.count() - 1))
        self.blocks.blockSignals(False)
        self._show_block(self.blocks.currentRow())
        self.preview_ready = False
        self._redraw.start()

    def _summary(self, block: PostBlock) -> str:
        if isinstance(block, UnknownBlock):
            return shown(f"A block from a newer Roundtable ({block.kind}): kept, not exported")
        if isinstance(block, TextBlock):
            first = next((line for line in block.markdown.splitlines() if line.strip()), "")
            first = self.commentary.names.shown(first)
            return shown(f"Text: {first[:70] or '(empty)'}")
        if isinstance(block, AttributionBlock):
            return shown(f"Attribution: {block.text or '(generated)'}")
        if isinstance(block, ScoreboardBlock):
            count = len(block.lines)
            return f"Scoreboard: {count} model{'' if count == 1 else 's'}"
        seat = Lookup(self.document.session).seats.get(block.seat_id)
        name = block.heading or (seat.label if seat else "?")
        reaction = f" {block.reaction}" if block.reaction else ""
        count = len(block.items)
        return shown(f"Section: {name}{reaction} — {count} exchange{'' if count == 1 else 's'}")

    def _render(self) -> None:
        # Here, not at the top: markdown-it, nh3 and pygments would cost the window's
        # first paint some 50 ms, for a view that is not shown at start.
        from desktop.core.post.html import render_html

        try:
            page = render_html(plan_post(self.document.session))
        except PostError as exc:
            # The message names blocks by seat labels from the file: escaped, never markup.
            page = f"<p><b>This post cannot be exported yet:</b> {html.escape(shown(str(exc)))}</p>"
        self.preview.setHtml(page)
        self.preview_ready = True
        self.rendered.emit()

    def _show_block(self, row: int) -> None:
        blocks = self.shown_blocks()
        block = blocks[row] if 0 <= row < len(blocks) else None
        if isinstance(block, TextBlock):
            self.commentary.show_markdown(block.markdown)
            self.block_editor.setCurrentWidget(self.commentary)
        elif isinstance(block, SectionBlock):
            self.section.load(row, block, Lookup(self.document.session))
            self.block_editor.setCurrentWidget(self.section)
        elif isinstance(block, AttributionBlock):
            seats = [s.seat for s in self._plan_sections()]
            self.attribution.load(block, attribution_line(seats))
            self.block_editor.setCurrentWidget(self.attribution)
        elif isinstance(block, UnknownBlock):
            self.block_editor.setCurrentWidget(self.newer)
        else:
            self.block_editor.setCurrentIndex(0)

    def _plan_sections(self) -> list[Section]:
        try:
            return plan_post(self.document.session).sections
        except PostError:
            return []

    # -- edits ---------------------------------------------------------------------------

    def _push(self, edit: edits.Edit, text: str, blocks: bool = True) -> None:
        self.undo.push(_PostEdit(self.editing, lambda: self.editing.apply(edit, blocks), text))

    def _field(
        self, box: QLineEdit, now: str, edit: Callable[[str], edits.Edit], text: str
    ) -> None:
        box.setModified(False)
        if box.text() != now:
            self._push(edit(box.text()), text, blocks=False)

    def _commit_text(self) -> None:
        row = self.blocks.currentRow()
        blocks = self.shown_blocks()
        block = blocks[row] if 0 <= row < len(blocks) else None
        if isinstance(block, TextBlock) and block.markdown != self.commentary.markdown():
            self._push(edits.set_text(row, self.commentary.markdown()), "Edit commentary")

    def add_text(self) -> None:
        """A commentary block after the selected one (or first)."""
        row = self.blocks.currentRow() + 1
        self._push(edits.add_text(row), "Add commentary")
        self.blocks.setCurrentRow(row)
        self.text.setFocus()

    def add_scoreboard(self) -> None:
        """Who has won so far across the library, as a block after the selected one."""
        if self.take_scoreboard is None:
            self.say("The scoreboard needs the library, which this window has not.")
            return
        self.tasks.spawn(self._add_scoreboard(self.take_scoreboard))

    async def _add_scoreboard(self, take: Callable[[], Awaitable[PostBlock]]) -> None:
        self.say("Counting the votes in the library…")
        block = await take()
        row = self.blocks.currentRow() + 1
        self._push(edits.add_block(row, block), "Add scoreboard")
        self.blocks.setCurrentRow(row)
        self.say("Scoreboard added: it is the board as it stands today.")

    def add_from(self, imported: Imported) -> bool:
        """Another session's exchanges and a section for them, as one undo step."""

        def add() -> PostState:
            return self.editing.add_from(imported)

        try:
            self.undo.push(_PostEdit(self.editing, add, "Add from session"))
        except ImportRefused as exc:
            self.say(str(exc))
            return False
        return True

    def _section_menu(self) -> None:
        menu = QMenu(self)
        session = self.document.session
        for seat in session.seats:
            turns = [t.id for t in session.turns if seat.id in t.targets and t.replies]
            action = menu.addAction(shown(seat.label))
            action.triggered.connect(
                lambda _=False, s=seat.id, t=turns: self._push(
                    edits.add_section(len(self.shown_blocks()), s, t), "Add section"
                )
            )
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(self.mapToGlobal(self.blocks.geometry().bottomLeft()))

    def toggle_attribution(self) -> None:
        """The attribution line on (generated) or off."""
        on = not any(isinstance(b, AttributionBlock) for b in self.shown_blocks())
        self._push(edits.attribution(None, on), "Attribution on" if on else "Attribution off")

    def move_block(self, by: int) -> None:
        """Move the selected block up or down (Alt+Up, Alt+Down)."""
        row = self.blocks.currentRow()
        if row < 0 or not 0 <= row + by < self.blocks.count():
            return
        self._push(edits.move(row, by), "Move block")
        self.blocks.setCurrentRow(row + by)

    def _dragged(self, _parent: object, start: int, _end: int, _to: object, row: int) -> None:
        to = row - 1 if row > start else row  # Qt counts the row before the move
        if to != start:  # after the drop is done: the edit rebuilds the list
            QTimer.singleShot(0, lambda: self._drop(start, to))

    def _drop(self, start: int, to: int) -> None:
        self._push(edits.move(start, to - start), "Move block")
        self.blocks.setCurrentRow(to)

    def quote(self, pane: SeatPane | None) -> None:
        """The words selected in ``pane``'s answer into the commentary, as a linked quote:
        at the cursor of the commentary being edited, else in a new first block."""
        selected = pane.selected_words() if pane is not None else None
        if pane is None or selected is None:
            self.say("Select some words in an answer first.")
            return
        text = pane.replies_drawn()[selected.reply_id]
        words = " ".join(re.sub(r"[*_`\[\]]", "", text[selected.start : selected.end]).split())
        target = f"{QUOTE_LINK_PREFIX}{selected.reply_id}?start={selected.start}&end={selected.end}"
        if self.block_editor.currentWidget() is self.commentary:
            self.commentary.insert_quote(words, target)
            self._commit_text()
        else:
            self._push(edits.add_text(0, f"[{words}]({target})"), "Quote in post")
        self.say(f"Quoted in the post: “{words}”")

    def remove(self) -> None:
        """Take the selected block out of the post (Edit → Undo puts it back)."""
        row = self.blocks.currentRow()
        if row >= 0:
            self._push(edits.remove(row), "Remove block")
