"""Highlight, comment on and star answers in the panes, with undo.

Each action works on the pane that has the focus: a highlight or a comment on the words
selected in one of its answers, a star on its current answer. Every change is an undo
command on the window's stack (Edit → Undo, Ctrl+Z); the session document makes it and
marks the session dirty, so autosave and recovery keep it like everything else.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QTextCursor, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMenu

from desktop.core.records.model import Annotation, AnnotationKind
from desktop.core.session.annotating import Annotations, seat_of
from desktop.ui.table.marks import Selected
from desktop.ui.table.pane import SeatPane
from desktop.ui.utils import dialogs
from desktop.ui.utils.window_context import WindowContext

NO_SELECTION = "Select some words in an answer first."
REACTIONS = ("🎤", "🔥", "👏", "🤔", "😂", "💯", "🙄", "❤️", "👀")


class _Add(QUndoCommand):
    def __init__(self, notes: Annotations, annotation: Annotation, text: str) -> None:
        super().__init__(text)
        self.notes, self.annotation = notes, annotation

    def redo(self) -> None:
        self.notes.put_back(self.annotation, len(self.notes.all))

    def undo(self) -> None:
        self.notes.remove(self.annotation.id)


class _Remove(QUndoCommand):
    def __init__(self, notes: Annotations, annotation: Annotation, text: str) -> None:
        super().__init__(text)
        self.notes, self.annotation = notes, annotation
        self.index = 0

    def redo(self) -> None:
        self.index, _ = self.notes.remove(self.annotation.id)

    def undo(self) -> None:
        self.notes.put_back(self.annotation, self.index)


class _Change(QUndoCommand):
    def __init__(
        self, notes: Annotations, annotation: Annotation, note: str, text: str = "Edit comment"
    ) -> None:
        super().__init__(text)
        self.notes, self.annotation_id = notes, annotation.id
        self.before, self.after = annotation.note, note

    def redo(self) -> None:
        self.notes.change(self.annotation_id, self.after)

    def undo(self) -> None:
        self.notes.change(self.annotation_id, self.before)


class AnnotationActions:
    """The window's annotation commands and their undo stack."""

    def __init__(
        self,
        context: WindowContext,
        focused: Callable[[], SeatPane | None],
        panes: Callable[[], list[SeatPane]],
    ) -> None:
        self.context = context
        self.notes = Annotations(context.document)
        self.undo = QUndoStack(context.parent)
        self._focused = focused
        self._panes = panes

    def highlight(self) -> None:
        """Highlight the words selected in the focused pane's answer."""
        pane, selected = self._selection()
        if pane is None or selected is None:
            return
        mark = self.notes.make(
            AnnotationKind.HIGHLIGHT, selected.reply_id, selected.start, selected.end
        )
        self.undo.push(_Add(self.notes, mark, "Highlight"))

    def comment(self) -> None:
        """Comment on the words selected in the focused pane's answer."""
        pane, selected = self._selection()
        if pane is not None and selected is not None:
            self.context.tasks.spawn(self._comment(selected.reply_id, selected))

    async def _comment(self, reply_id: str, selected: Selected) -> None:
        note = await dialogs.text(self.context.parent, "Comment", "Your comment on the words:")
        if not note or not note.strip():
            return
        try:
            mark = self.notes.make(
                AnnotationKind.COMMENT, reply_id, selected.start, selected.end, note.strip()
            )
        except ValueError:  # the reply went away while the question was open
            self.context.say("That answer is no longer in the session.")
            return
        self.undo.push(_Add(self.notes, mark, "Comment"))

    def star(self) -> None:
        """Star the focused pane's answer, or take its star away."""
        pane = self._focused()
        reply = pane.reply if pane is not None else None
        if reply is None:
            self.context.say("Put the focus in a pane with an answer first (Ctrl+1…9).")
            return
        stars = [a for a in self.notes.of(reply.id) if a.kind is AnnotationKind.STAR]
        if stars:
            self.undo.push(_Remove(self.notes, stars[0], "Unstar"))
        else:
            self.undo.push(_Add(self.notes, self.notes.make(AnnotationKind.STAR, reply.id), "Star"))

    def react(self, to_seat: bool = False) -> None:
        """Pick a reaction for the focused pane's answer (or its seat): recent ones first."""
        pane = self._focused()
        reply = pane.reply if pane is not None else None
        if pane is None or (reply is None and not to_seat):
            self.context.say("Put the focus in a pane with an answer first (Ctrl+1…9).")
            return
        target = pane.seat.id if to_seat else reply.id  # type: ignore[union-attr]
        current = [a for a in self.notes.of(target) if a.kind is AnnotationKind.REACTION]
        menu = QMenu(pane)
        menu.setAccessibleName("Reactions")
        for emoji in dict.fromkeys([*self.context.app_settings.recent_reactions(), *REACTIONS]):
            menu.addAction(emoji).triggered.connect(
                lambda _=False, e=emoji: self._react(target, current, e)
            )
        menu.addSeparator()
        menu.addAction("Other…").triggered.connect(
            lambda: self.context.tasks.spawn(self._other(target, current))
        )
        if current:
            menu.addAction("Remove reaction").triggered.connect(
                lambda: self.undo.push(_Remove(self.notes, current[0], "Remove reaction"))
            )
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(pane.mapToGlobal(pane.title.geometry().bottomLeft()))

    async def _other(self, target: str, current: list[Annotation]) -> None:
        emoji = await dialogs.text(self.context.parent, "Reaction", "Your reaction (an emoji):")
        if emoji and emoji.strip():
            self._react(target, current, emoji.strip()[:16])

    def _react(self, target: str, current: list[Annotation], emoji: str) -> None:
        if current and current[0] in self.notes.all:
            self.undo.push(_Change(self.notes, current[0], emoji, "Change reaction"))
        else:
            mark = self.notes.make(AnnotationKind.REACTION, target, note=emoji)
            self.undo.push(_Add(self.notes, mark, "React"))
        self.context.app_settings.remember_reaction(emoji)

    def delete(self, annotation: Annotation) -> None:
        """Take an annotation away (Edit → Undo brings it back)."""
        self.undo.push(_Remove(self.notes, annotation, f"Delete {annotation.kind.value}"))

    def edit(self, annotation: Annotation) -> None:
        """Change a comment's words (or a reaction's emoji)."""
        if annotation.kind in (AnnotationKind.COMMENT, AnnotationKind.REACTION):
            self.context.tasks.spawn(self._edit(annotation))
        else:
            self.context.say("Only a comment or a reaction has words to edit.")

    async def _edit(self, annotation: Annotation) -> None:
        note = await dialogs.text(
            self.context.parent, "Edit comment", "Your comment:", annotation.note
        )
        if note is None or not note.strip() or note.strip() == annotation.note:
            return
        if annotation in self.notes.all:
            self.undo.push(_Change(self.notes, annotation, note.strip()))

    def jump(self, annotation: Annotation) -> None:
        """Show the answer an annotation is on, its words selected."""
        from desktop.ui.table.marks import locate

        seat_id = seat_of(annotation.target_id, self.context.document.session)
        pane = next((p for p in self._panes() if p.seat.id == seat_id), None)
        if pane is None:
            self.context.say("That seat is not at the table.")
            return
        pane.focus_conversation()
        for reply_id, start, end in pane.view.reply_spans():
            if reply_id != annotation.target_id:
                continue
            cursor = QTextCursor(pane.view.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            shown = cursor.selectedText().replace("\u2029", "\n")
            found = locate(shown, annotation.exact or "") if annotation.exact else None
            low, high = (start + found[0], start + found[1]) if found else (start, start)
            cursor.setPosition(low)
            cursor.setPosition(high, QTextCursor.MoveMode.KeepAnchor)
            pane.view.setTextCursor(cursor)
            pane.view.ensureCursorVisible()

    def attach(self, pane: SeatPane, actions: list[QAction]) -> None:
        """Offer ``actions`` in the pane's context menu, after the usual Copy and Select."""

        def menu(point: QPoint) -> None:
            pane.view.setFocus()
            standard = pane.view.createStandardContextMenu(point)
            standard.addSeparator()
            standard.addActions(actions)
            standard.aboutToHide.connect(standard.deleteLater)
            # popup(), not exec(): no nested event loop, so streams go on behind it.
            standard.popup(pane.view.viewport().mapToGlobal(point))

        pane.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        pane.view.customContextMenuRequested.connect(menu)

    def _selection(self) -> tuple[SeatPane | None, Selected | None]:
        pane = self._focused()
        selected = pane.selected_words() if pane is not None else None
        if selected is None:
            self.context.say(NO_SELECTION)
        return pane, selected
