"""Session → Tags…: the session's tags typed as one line, an undoable step."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.core.tagging import parse_tags, set_tags
from desktop.ui import dialogs
from desktop.ui.window_context import WindowContext


class _SetTags(QUndoCommand):
    def __init__(self, context: WindowContext, before: list[str], after: list[str]) -> None:
        super().__init__("Edit tags")
        self.context, self.before, self.after = context, before, after

    def redo(self) -> None:
        set_tags(self.context.document, self.after)

    def undo(self) -> None:
        set_tags(self.context.document, self.before)


async def edit_tags(context: WindowContext, undo: QUndoStack) -> None:
    """Ask for the session's tags; Edit → Undo takes the change back."""
    before = list(context.document.session.tags)
    typed = await dialogs.text(
        context.parent, "Tags", "Tags for this session, separated by commas:", ", ".join(before)
    )
    if typed is None:
        return
    after = parse_tags(typed)
    if after != before:
        undo.push(_SetTags(context, before, after))
        context.say(f"Tags: {', '.join(after) or 'none'}")
