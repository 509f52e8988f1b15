"""What the user asks of the seats from the window: send, debate rounds, forwarding,
retry, continue, stop, and changing who is at the table or their keys."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QDialog

from desktop.core.attachments.limits import AttachmentError
from desktop.core.records.model import Attachment, Seat, Turn
from desktop.core.session import budget, turns
from desktop.core.session.conversation import DEFAULT_DEBATE_INSTRUCTION, latest_quotes
from desktop.ui.composer.composer import Composer
from desktop.ui.utils import dialogs
from desktop.ui.utils.dialogs import Button
from desktop.ui.utils.window_context import WindowContext


class TurnActions:
    """Turns and seats for one window; the document builds and runs every turn."""

    def __init__(self, context: WindowContext, composer: Composer) -> None:
        self.parent = context.parent
        self.document = context.document
        self.tasks = context.tasks
        self.say = context.say
        self.app_settings = context.app_settings
        self.composer = composer

    def send(self, text: str, targets: list[str], attachments: list[Attachment]) -> None:
        """Send the composer's prompt (asking first when it would likely pass the
        session's budget); the composer is cleared only once it was taken."""
        over = budget.warning(self.document.session, targets)
        if over is None:
            self._send(text, targets, attachments)
        else:
            self.tasks.spawn(self._send_if_agreed(over, text, targets, attachments))

    async def _send_if_agreed(
        self, over: str, text: str, targets: list[str], attachments: list[Attachment]
    ) -> None:
        answer = await dialogs.question(
            self.parent, "Over budget", f"{over} Send anyway?", Button.Yes | Button.No
        )
        if answer == Button.Yes:
            self._send(text, targets, attachments)

    def _send(self, text: str, targets: list[str], attachments: list[Attachment]) -> None:
        try:
            turn = self.document.add_prompt(
                text, targets, attachments, blind=self.composer.blind.isChecked()
            )
        except (AttachmentError, ValueError) as exc:
            self.composer.show_problems([str(exc)])
            return
        self.composer.sent()
        self._start(turn)

    def _start(self, turn: Turn) -> None:
        self.document.start(turn)

    def debate(self, targets: list[str]) -> None:
        """Ask for the instruction, then run a debate round among ``targets``."""
        self.tasks.spawn(self._debate(targets))

    async def _debate(self, targets: list[str]) -> None:
        from desktop.ui.composer.debate_dialog import DebateDialog

        session = self.document.session
        quotes = latest_quotes(session, [s.id for s in session.active_seats], True)
        dialog = DebateDialog(self.parent, any(q.reasoning for q in quotes))
        answered = await dialogs.finished(dialog) == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not answered:
            return
        instruction = dialog.instruction.toPlainText().strip() or DEFAULT_DEBATE_INSTRUCTION
        try:
            turn = self.document.append(
                turns.debate_round(
                    self.document.session,
                    targets,
                    instruction,
                    with_reasoning=dialog.with_reasoning.isChecked(),
                )
            )
        except ValueError as exc:
            dialogs.tell(self.parent, "Debate round", _sentence(exc))
            return
        self._start(turn)

    def forward(self, reply_id: str) -> None:
        """Ask whom to send a reply to, and with what words, then send it."""
        self.tasks.spawn(self._forward(reply_id))

    async def _forward(self, reply_id: str) -> None:
        from desktop.ui.composer.forward_dialog import ForwardDialog

        session = self.document.session
        _, reply = session.find_reply(reply_id)
        source = session.seat(reply.seat_id)
        others = [s for s in session.active_seats if s.id != source.id]
        dialog = ForwardDialog(source, others, self.parent, bool(reply.reasoning.strip()))
        answered = await dialogs.finished(dialog) == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if answered and dialog.targets():
            instruction = dialog.instruction.toPlainText().strip()
            try:
                turn = self.document.append(
                    turns.forward(
                        self.document.session,
                        reply_id,
                        dialog.targets(),
                        instruction,
                        with_reasoning=dialog.with_reasoning.isChecked(),
                    )
                )
            except ValueError as exc:  # a seat began answering while the dialog was open
                self.say(_sentence(exc))
                return
            self._start(turn)

    def retry(self, reply_id: str) -> None:
        """Ask the same seat again with the same messages."""
        try:
            turn, _ = self.document.add_retry(reply_id)
        except ValueError as exc:
            self.say(_sentence(exc))
            return
        self._start(turn)

    def continue_reply(self, reply_id: str) -> None:
        """Ask a seat whose answer was cut to go on from the text kept."""
        try:
            turn = self.document.append(turns.continue_after_cut(self.document.session, reply_id))
        except ValueError as exc:
            self.say(_sentence(exc))
            return
        self._start(turn)

    def edit_lineup(self) -> None:
        """Session → Seats at the table…"""
        self.tasks.spawn(self._edit_lineup())

    async def _edit_lineup(self) -> None:
        if self.document.busy:
            dialogs.tell(
                self.parent, "Seats", "Wait for the answers to finish (or stop them) first."
            )
            return
        from desktop.ui.settings.lineup_dialog import LineupDialog

        dialog = LineupDialog(
            self.document.session.active_seats, self.parent, self.tasks, self.app_settings
        )
        answered = await dialogs.finished(dialog) == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if answered:
            seats = dialog.seats()
            self._approve_typed(seats)
            self.document.set_lineup(seats)

    def _approve_typed(self, seats: list[Seat]) -> None:
        """Addresses the user typed in the seats dialog are the user's own: approved.
        One that came with the session and was left as it was stays as approved as it
        was."""
        approvals = self.document.approvals
        if approvals is None:
            return
        before = {s.id: s.api_base for s in self.document.session.seats}
        typed = [s for s in seats if s.api_base is not None and before.get(s.id) != s.api_base]
        if not typed:
            return
        try:  # only the address: a key variable that came with the session is not typed
            approvals.approve(replace(s, api_key_env=None) for s in typed)
        except OSError as exc:
            self.say(f"Approved until Roundtable quits (not kept: {exc.strerror or exc}).")

    def remove_seat(self, seat_id: str) -> None:
        """Take a seat from the table, after asking (its answers stay)."""
        self.tasks.spawn(self._remove_seat(seat_id))

    async def _remove_seat(self, seat_id: str) -> None:
        label = self.document.session.seat(seat_id).label
        answer = await dialogs.question(
            self.parent,
            "Remove seat",
            f"Take {label} from the table? Its answers stay in the session.",
            Button.Yes | Button.No,
        )
        seats = self.document.session.active_seats  # as they are now, after the question
        if answer == Button.Yes and any(s.id == seat_id for s in seats):
            self.document.set_lineup([s for s in seats if s.id != seat_id])

    def add_key(self, provider: str) -> None:
        """Ask for a provider's key and keep it in the OS keyring."""
        self.tasks.spawn(self._add_key(provider))

    async def _add_key(self, provider: str) -> None:
        from desktop.ui.settings.key_dialog import ask_key, store_key_off_thread

        key = await ask_key(self.parent, provider)
        if not key:
            return
        stored = await store_key_off_thread(provider, key)
        if not stored:  # the worker reads a stored key from the keyring itself
            self.document.engine.gateway.use_key(provider, key)
        self.say(
            "Key saved in the OS keyring. Retry the pane to use it."
            if stored
            else "There is no OS keyring here: the key is kept for this session only (in "
            "memory, never written). Retry the pane to use it."
        )


def _sentence(exc: Exception) -> str:
    """An error's words as a sentence (str.capitalize would lower "GPT-5" to "gpt-5")."""
    text = str(exc)
    return text[:1].upper() + text[1:] + "."
