"""Asking the user to approve the endpoints a session's seats came with.

A session opened from a file (or restored, or started anew from one) may have seats that
name an address or a key variable this computer has not approved. They send nothing
until the user approves; their panes say so, and this offers the approval, listing
exactly what each seat would use. Every word shown is plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox

from desktop.core.records.model import Seat
from desktop.ui.utils import dialogs
from desktop.ui.utils.window_context import WindowContext


class EndpointApproval:
    """Session → Approve endpoints…, and the offer made when a session needs it."""

    def __init__(self, context: WindowContext, show: Callable[[dict[str, str]], None]) -> None:
        """``show`` is given, by seat id, why each seat waits for approval."""
        self.parent = context.parent
        self.document = context.document
        self.tasks = context.tasks
        self.say = context.say
        self.show = show

    def wanted(self) -> list[tuple[Seat, list[str]]]:
        """The seats at the table that wait for approval, with what they would use."""
        approvals = self.document.approvals
        if approvals is None:
            return []
        seats = self.document.session.active_seats
        return [(seat, wants) for seat in seats if (wants := approvals.wanted(seat))]

    def refresh(self) -> None:
        """Tell the panes which seats wait, and why."""
        self.show({seat.id: " and ".join(wants) for seat, wants in self.wanted()})

    def offer(self, asked: bool = False) -> None:
        """Offer the approval if a seat needs it (``asked``: the user chose the menu
        item, so say so when nothing does)."""
        self.refresh()
        if self.wanted():
            self.tasks.spawn(self._offer())
        elif asked:
            self.say("Every seat at the table uses only what you have approved.")

    async def _offer(self) -> None:
        wanted = self.wanted()
        if not wanted:  # approved meanwhile (--approve-endpoints)
            return
        lines = "\n".join(f"• {seat.label}: {' and '.join(wants)}" for seat, wants in wanted)
        text = (
            "These seats came with the session and would send your prompts, and your key "
            "for their provider, to places you have not approved on this computer:\n\n"
            f"{lines}\n\nNothing is sent there until you approve. Approve them?"
        )
        role = QMessageBox.ButtonRole
        choices = [("Approve", role.AcceptRole), ("Not now", role.RejectRole)]
        if await dialogs.choose_buttons(self.parent, "Approve endpoints?", text, choices) != 0:
            return
        approvals = self.document.approvals
        if approvals is None or self.wanted() != wanted:  # the table changed meanwhile
            return
        try:
            approvals.approve(seat for seat, _ in wanted)
        except OSError as exc:
            dialogs.warn(
                self.parent,
                "Approve endpoints",
                f"Approved until Roundtable quits; it could not be kept for next time: "
                f"{exc.strerror or exc}",
            )
        self.refresh()
        self.say("Approved. Retry a pane to send to it.")
