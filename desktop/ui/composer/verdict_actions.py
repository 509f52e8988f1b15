"""What the user asks for to end a round with a verdict: the chair, a peer review."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from desktop.core.records.model import Seat
from desktop.core.session import verdict_turns
from desktop.ui.utils import dialogs
from desktop.ui.utils.window_context import WindowContext


class VerdictActions:
    """Session → Ask the chair… and Peer review round, for one window."""

    def __init__(self, context: WindowContext) -> None:
        self.parent = context.parent
        self.document = context.document
        self.tasks = context.tasks
        self.say = context.say

    def ask_chair(self) -> None:
        """Ask which chair, reading whose answers, writing what; then run it."""
        self.tasks.spawn(self._ask_chair())

    async def _ask_chair(self) -> None:
        from desktop.ui.composer.chair_dialog import ChairDialog

        session = self.document.session
        dialog = ChairDialog(session.active_seats, session.chairs, self.parent)
        answered = await dialogs.finished(dialog) == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not answered:
            return
        chair_id = dialog.chair_id()
        if not chair_id:
            model = dialog.other_model()
            if not model:
                dialogs.tell(self.parent, "Ask the chair", "Type the chair's model id first.")
                return
            chair_id = self.document.add_chair_seat(Seat(f"Chair ({model})", model)).id
        try:
            turn = self.document.append(
                verdict_turns.chair(
                    self.document.session,
                    chair_id,
                    dialog.chosen_mode(),
                    dialog.seat_ids(),
                    dialog.instruction(),
                    dialog.anonymous.isChecked(),
                )
            )
        except ValueError as exc:
            dialogs.tell(self.parent, "Ask the chair", f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
            return
        self.document.start(turn)

    def peer_review(self) -> None:
        """Each seat ranks the others' anonymised answers."""
        try:
            turn = self.document.append(verdict_turns.peer_review(self.document.session))
        except ValueError as exc:
            self.say(f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
            return
        self.document.start(turn)
