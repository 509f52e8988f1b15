"""Reply → Vote: the author's verdict on the focused pane's answer, each an undo step:
the best answer of its turn, or better than (as good as) another seat's answer to it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QCursor, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMenu

from desktop.core.records.model import Annotation, Reply
from desktop.core.session.voting import Votes
from desktop.core.verdicts.blinding import awaiting_vote, blind_names, revealed
from desktop.ui.table.pane import SeatPane
from desktop.ui.utils.shown import shown
from desktop.ui.utils.window_context import WindowContext


class _Cast(QUndoCommand):
    def __init__(self, votes: Votes, vote: Annotation, text: str) -> None:
        super().__init__(text)
        self.votes, self.vote = votes, vote
        self.index: int | None = None

    def redo(self) -> None:
        self.votes.cast(self.vote, self.index)

    def undo(self) -> None:
        self.index, _ = self.votes.remove(self.vote.id)


class VoteActions:
    """Votes on the focused pane's newest answer, undone with the annotations' stack."""

    def __init__(
        self, context: WindowContext, focused: Callable[[], SeatPane | None], undo: QUndoStack
    ) -> None:
        self.context = context
        self.votes = Votes(context.document)
        self.undo = undo
        self._focused = focused

    def best(self) -> None:
        """The focused pane's answer is the best of its turn."""
        reply = self._reply()
        if reply is None:
            return
        try:
            vote = self.votes.best(reply.id)
        except ValueError as exc:
            self.context.say(f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
            return
        self.undo.push(_Cast(self.votes, vote, "Vote best answer"))

    def versus(self) -> None:
        """A menu of the other seats' answers to the same turn: better than, as good as."""
        reply = self._reply()
        if reply is None:
            return
        session = self.context.document.session
        turn, _ = session.find_reply(reply.id)
        names = blind_names(turn) if not revealed(session, turn) else {}
        menu = QMenu(self.context.parent)
        for other in turn.replies:
            if other.seat_id == reply.seat_id or other is not turn.latest_reply(other.seat_id):
                continue
            name = names.get(other.seat_id) or session.seat(other.seat_id).label
            for tie, words in ((False, "Better than"), (True, "As good as")):
                action = menu.addAction(shown(f"{words} {name}"))
                action.triggered.connect(
                    lambda _=False, o=other.id, t=tie: self.pair(reply.id, o, t)
                )
        if menu.isEmpty():
            menu.addAction("No other answer to this turn").setEnabled(False)
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(QCursor.pos())

    def pair(self, better_id: str, other_id: str, tie: bool = False) -> None:
        """Vote ``better_id`` better than (or as good as) ``other_id``."""
        try:
            vote = self.votes.pairwise(better_id, other_id, tie)
        except ValueError as exc:
            self.context.say(f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
            return
        self.undo.push(_Cast(self.votes, vote, "Vote a tie" if tie else "Vote better"))

    def _reply(self) -> Reply | None:
        """The focused pane's answer to vote on: to the blind round while it awaits the
        vote (rounds may have followed it), else its newest."""
        pane = self._focused()
        reply = pane.reply if pane is not None else None
        blind = awaiting_vote(self.context.document.session)
        if pane is not None and blind is not None:
            reply = blind.latest_reply(pane.seat.id) or reply
        if reply is None:
            self.context.say("Put the focus in a pane with an answer first (Ctrl+1…9).")
        return reply
