"""Session → Tags… and Session → Budget…: facts of the session the author sets, each
change an undoable step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.core.session.budget import parse_budget, set_budget
from desktop.core.session.tagging import parse_tags, set_tags
from desktop.ui.utils import dialogs
from desktop.ui.utils.window_context import WindowContext


class _Set(QUndoCommand):
    def __init__(self, text: str, put: Callable[[Any], None], before: Any, after: Any) -> None:
        super().__init__(text)
        self.put, self.before, self.after = put, before, after

    def redo(self) -> None:
        self.put(self.after)

    def undo(self) -> None:
        self.put(self.before)


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
        undo.push(_Set("Edit tags", lambda t: set_tags(context.document, t), before, after))
        context.say(f"Tags: {', '.join(after) or 'none'}")


async def edit_budget(context: WindowContext, undo: QUndoStack) -> None:
    """Ask for the session's budget in US dollars (empty: none)."""
    before = context.document.session.budget_usd
    answered, after = await dialogs.parsed(
        context.parent,
        "Budget",
        "The most this session should cost, in US dollars (empty: no budget). A send that "
        "would likely pass it asks first.",
        "" if before is None else f"{before:g}",
        parse_budget,
    )
    if answered and after != before:
        put = lambda b: set_budget(context.document, b)  # noqa: E731
        undo.push(_Set("Set budget", put, before, after))
        context.say(f"Budget: ${after:.2f}" if after is not None else "No budget.")
