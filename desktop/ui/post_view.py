"""The post view: the post's blocks to edit, beside a live preview of the post as
``roundtable export --to html`` writes it (rendered here; nothing loaded, no script).

Writers see words, not ids: blocks are listed by what they say, sections by the
assistant's name. Every edit is an undo step (Edit → Undo) and goes through the session
document, so autosave and recovery keep it.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QMimeData, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core import post_editing as edits
from desktop.core.changes import Change, Problem, ReplyChanged, Saved, StateChanged
from desktop.core.post import QUOTE_LINK_PREFIX, AttributionBlock, Post, SectionBlock, TextBlock
from desktop.core.post_editing import PostEditing
from desktop.core.post_html import clipboard_html, render_html
from desktop.core.post_markdown import render_markdown
from desktop.core.post_plan import Exchange, PostError, PostPlan, default_post, plan_post
from desktop.ui import dialogs
from desktop.ui.pane import SeatPane
from desktop.ui.shown import file_name, shown
from desktop.ui.window_context import WindowContext


def _card_renderer(plan: PostPlan) -> Callable[[Exchange], list[bytes]]:
    from desktop.ui.cards import render_card

    sections = {id(e): s for s in plan.sections for e in s.exchanges}
    return lambda exchange: render_card(sections[id(exchange)], exchange)


PREVIEW_MS = 250  # typing redraws the preview this long after the last key


class _PostEdit(QUndoCommand):
    def __init__(self, editing: PostEditing, edit: edits.Edit, text: str, blocks: bool) -> None:
        super().__init__(text)
        self.editing, self.edit, self.blocks = editing, edit, blocks
        self.before: Post | None = None
        self.after: Post | None = None

    def redo(self) -> None:
        if self.after is None:
            self.before = self.editing.apply(self.edit, self.blocks)
            self.after = copy.deepcopy(self.editing.post)
        else:
            self.editing.put(copy.deepcopy(self.after))

    def undo(self) -> None:
        assert self.before is not None
        self.editing.put(copy.deepcopy(self.before))


class _Preview(QTextBrowser):
    def loadResource(self, kind: int, name: object) -> object:
        return QByteArray()  # the page is whole: it never needs to fetch anything


class PostView(QWidget):
    """The post editor and its preview; ``rendered`` when the preview is drawn."""

    rendered = Signal()

    def __init__(self, context: WindowContext, undo: QUndoStack) -> None:
        super().__init__()
        self.document, self.undo, self.say = context.document, undo, context.say
        self.tasks = context.tasks
        self.editing = PostEditing(self.document)
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
        self.blocks.currentRowChanged.connect(self._show_block)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Your commentary, in Markdown")
        self.text.setAccessibleName("Commentary")
        self.text.setEnabled(False)
        self._typing = QTimer(self, singleShot=True, interval=PREVIEW_MS)
        self._typing.timeout.connect(self._commit_text)
        self.text.textChanged.connect(self._typing.start)
        buttons = QHBoxLayout()
        for label, slot in (
            ("Add text", self.add_text),
            ("Add section", self._section_menu),
            ("Attribution", self.toggle_attribution),
            ("Up", lambda: self.move_block(-1)),
            ("Down", lambda: self.move_block(1)),
            ("Remove", self.remove),
            ("Copy post", self.copy_post),
            ("Export…", lambda: self.tasks.spawn(self.export())),
        ):
            button = QPushButton(label)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        QShortcut(QKeySequence("Alt+Up"), self.blocks, lambda: self.move_block(-1))
        QShortcut(QKeySequence("Alt+Down"), self.blocks, lambda: self.move_block(1))
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Subtitle", self.subtitle)
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.addLayout(form)
        column.addWidget(self.blocks, 2)
        column.addLayout(buttons)
        column.addWidget(self.text, 3)
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

    def shown_blocks(self) -> list[TextBlock | AttributionBlock | SectionBlock]:
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
            if not box.hasFocus():  # never under the writer's cursor
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

    def _summary(self, block: TextBlock | AttributionBlock | SectionBlock) -> str:
        if isinstance(block, TextBlock):
            first = next((line for line in block.markdown.splitlines() if line.strip()), "")
            return shown(f"Text: {first[:70] or '(empty)'}")
        if isinstance(block, AttributionBlock):
            return shown(f"Attribution: {block.text or '(generated)'}")
        seats = {s.id: s for s in self.document.session.seats}
        for source in self.document.session.sources:
            seats.update({s.id: s for s in source.seats})
        seat = seats.get(block.seat_id)
        name = block.heading or (seat.label if seat else "?")
        reaction = f" {block.reaction}" if block.reaction else ""
        count = len(block.items)
        return shown(f"Section: {name}{reaction} — {count} exchange{'' if count == 1 else 's'}")

    def _render(self) -> None:
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
        wanted = block.markdown if isinstance(block, TextBlock) else ""
        if self.text.toPlainText() != wanted:  # the same text: the cursor stays put
            self.text.blockSignals(True)
            self.text.setPlainText(wanted)
            self.text.blockSignals(False)
        self.text.setEnabled(isinstance(block, TextBlock))

    # -- edits ---------------------------------------------------------------------------

    def _push(self, edit: edits.Edit, text: str, blocks: bool = True) -> None:
        self.undo.push(_PostEdit(self.editing, edit, text, blocks))

    def _field(
        self, box: QLineEdit, now: str, edit: Callable[[str], edits.Edit], text: str
    ) -> None:
        if box.text() != now:
            self._push(edit(box.text()), text, blocks=False)

    def _commit_text(self) -> None:
        row = self.blocks.currentRow()
        blocks = self.shown_blocks()
        block = blocks[row] if 0 <= row < len(blocks) else None
        if isinstance(block, TextBlock) and block.markdown != self.text.toPlainText():
            self._push(edits.set_text(row, self.text.toPlainText()), "Edit commentary")

    def add_text(self) -> None:
        """A commentary block after the selected one (or first)."""
        row = self.blocks.currentRow() + 1
        self._push(edits.add_text(row), "Add commentary")
        self.blocks.setCurrentRow(row)
        self.text.setFocus()

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

    def quote(self, pane: SeatPane | None) -> None:
        """The words selected in ``pane``'s answer into the commentary, as a linked quote:
        at the cursor of the commentary being edited, else in a new first block."""
        selected = pane.selected_words() if pane is not None else None
        if pane is None or selected is None:
            self.say("Select some words in an answer first.")
            return
        text = pane.replies_drawn()[selected.reply_id]
        words = " ".join(re.sub(r"[*_`\[\]]", "", text[selected.start : selected.end]).split())
        link = (
            f"[{words}]({QUOTE_LINK_PREFIX}{selected.reply_id}"
            f"?start={selected.start}&end={selected.end})"
        )
        if self.text.isEnabled():
            self.text.insertPlainText(link)
            self._commit_text()
        else:
            self._push(edits.add_text(0, link), "Quote in post")
        self.say(f"Quoted in the post: “{words}”")

    def copy_post(self) -> None:
        """The post on the clipboard: rich HTML for a blog editor, Markdown as text."""
        try:
            plan = plan_post(self.document.session)
        except PostError as exc:
            self.say(f"The post cannot be copied yet: {exc}")
            return
        cards = _card_renderer(plan)
        data = QMimeData()
        data.setHtml(clipboard_html(plan, cards))
        data.setText(render_markdown(plan))
        QGuiApplication.clipboard().setMimeData(data)
        self.say("The post is on the clipboard: paste it into your blog's editor.")

    async def export(self) -> None:
        """Write the post as a page, Markdown or card pictures, as the CLI does."""
        role = QMessageBox.ButtonRole
        kinds = [("HTML page", role.AcceptRole), ("Markdown", role.AcceptRole),
                 ("Card pictures", role.AcceptRole), ("Cancel", role.RejectRole)]  # fmt: skip
        choice = await dialogs.choose_buttons(self, "Export post", "Export the post as:", kinds)
        if choice not in (0, 1, 2):
            return
        to = ("html", "markdown", "cards")[choice]
        name = file_name(self.post.title or self.document.session.title or "post")
        suggested = {"html": f"{name}.html", "markdown": f"{name}.md", "cards": name}[to]
        filters = {"html": "HTML page (*.html)", "markdown": "Markdown (*.md)", "cards": "*"}
        path = await dialogs.save_path(self, "Export post", suggested, filters[to])
        if not path:
            return
        from desktop.cli_post import rendered_files
        from desktop.core.transcript import write_atomic

        try:
            files = rendered_files(plan_post(self.document.session), to, Path(path))
            for target, data in files.items():
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, data)
        except (PostError, OSError) as exc:
            dialogs.warn(self, "Export post", f"Could not export the post: {exc}")
            return
        self.say(f"Exported to {path}.")

    def remove(self) -> None:
        """Take the selected block out of the post (Edit → Undo puts it back)."""
        row = self.blocks.currentRow()
        if row >= 0:
            self._push(edits.remove(row), "Remove block")
