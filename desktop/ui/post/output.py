"""The post leaving the window: Copy post, Export…, and one answer copied as a picture.

Copy post puts semantic HTML (what a blog editor pastes as headings, quotes, code and
pictures) and Markdown as plain text on the clipboard. Export writes what
``roundtable export`` writes, by the same code. Copy as picture renders the focused
pane's answer as the post's card would show it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.core.post.markdown import render_markdown
from desktop.core.post.plan import Exchange, PostError, PostPlan, plan_post
from desktop.core.records.post_blocks import ItemShow, Post, PostItem, SectionBlock
from desktop.ui.table.pane import SeatPane
from desktop.ui.utils import dialogs
from desktop.ui.utils.shown import file_name_of_title
from desktop.ui.utils.window_context import WindowContext


def _card_renderer(plan: PostPlan) -> Callable[[Exchange], list[bytes]]:
    from desktop.ui.post.cards import render_card

    sections = {id(e): s for s in plan.sections for e in s.exchanges}
    # The post prints each prompt just above its card: the card leaves it out.
    return lambda exchange: render_card(sections[id(exchange)], exchange, with_prompt=False)


class PostOutput:
    """Copy and export for one window's session."""

    def __init__(self, context: WindowContext, parent: QWidget) -> None:
        self.document, self.say, self.parent = context.document, context.say, parent

    def copy_post(self) -> None:
        """The post on the clipboard: rich HTML for a blog editor, Markdown as text."""
        try:
            plan = plan_post(self.document.session)
        except PostError as exc:
            self.say(f"The post cannot be copied yet: {exc}")
            return
        from desktop.core.post.html import clipboard_html  # not at start: see post_view

        data = QMimeData()
        data.setHtml(clipboard_html(plan, _card_renderer(plan)))
        data.setText(render_markdown(plan))
        QGuiApplication.clipboard().setMimeData(data)
        self.say("The post is on the clipboard: paste it into your blog's editor.")

    def copy_picture(self, pane: SeatPane | None) -> None:
        """The focused pane's answer, with its prompt, as a card on the clipboard."""
        reply = pane.reply if pane is not None else None
        session = self.document.session
        turn = next((t for t in session.turns if reply in t.replies), None)
        if pane is None or reply is None or turn is None or not reply.text:
            self.say("Put the focus in a pane with an answer first (Ctrl+1…9).")
            return
        from desktop.ui.post.cards import render_card

        # The card as the post would show it: a one-exchange post of this answer.
        item = PostItem(turn.id, reply.id, show=ItemShow.CARD)
        alone = dataclasses.replace(
            session, post=Post(blocks=[SectionBlock(pane.seat.id, items=[item])])
        )
        plan = plan_post(alone)
        section = plan.sections[0]
        pages = [QImage.fromData(png) for png in render_card(section, section.exchanges[0])]
        QGuiApplication.clipboard().setImage(_stacked(pages))
        self.say(f"{pane.seat.label}'s answer is on the clipboard as a picture.")

    async def export(self) -> None:
        """Write the post as a page, Markdown or card pictures, as the CLI does."""
        role = QMessageBox.ButtonRole
        kinds = [("HTML page", role.AcceptRole), ("Markdown", role.AcceptRole),
                 ("Card pictures", role.AcceptRole), ("Cancel", role.RejectRole)]  # fmt: skip
        choice = await dialogs.choose_buttons(
            self.parent, "Export post", "Export the post as:", kinds
        )
        if choice not in (0, 1, 2):
            return
        to = ("html", "markdown", "cards")[choice]
        session = self.document.session
        name = file_name_of_title(session.post.title or session.title, "post")
        suggested = {"html": f"{name}.html", "markdown": f"{name}.md", "cards": name}[to]
        filters = {"html": "HTML page (*.html)", "markdown": "Markdown (*.md)", "cards": "*"}
        path = await dialogs.save_path(self.parent, "Export post", suggested, filters[to])
        if not path:
            return
        from desktop.core.post.export import rendered_files
        from desktop.core.utils.atomic import write_atomic
        from desktop.ui.post.cards import render_card

        try:
            # Drawn on this window's own application: nothing here touches the
            # environment that the worker and other children are started with.
            files = rendered_files(plan_post(self.document.session), to, Path(path), render_card)
            for target, data in files.items():
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, data)
        except (PostError, OSError) as exc:
            dialogs.warn(self.parent, "Export post", f"Could not export the post: {exc}")
            return
        self.say(f"Exported to {path}.")


def _stacked(pages: list[QImage]) -> QImage:
    """The pages of a long card one under the other: one picture to paste."""
    if len(pages) == 1:
        return pages[0]
    width = max(p.width() for p in pages)
    image = QImage(width, sum(p.height() for p in pages), QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    top = 0
    for page in pages:
        painter.drawImage(0, top, page)
        top += page.height()
    painter.end()
    return image
