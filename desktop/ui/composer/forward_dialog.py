"""Forward one seat's answer to other seats, with the user's own words."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core.records.model import Seat
from desktop.core.session.conversation import DEFAULT_FORWARD_INSTRUCTION
from desktop.ui.utils.shown import plain_label, shown


class ForwardDialog(QDialog):
    """Choose the seats and write the instruction that goes with the forwarded answer."""

    def __init__(
        self,
        source: Seat,
        others: list[Seat],
        parent: QWidget | None = None,
        has_reasoning: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(shown(f"Forward {source.label}'s answer"))
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(f"Send {source.label}'s answer to:"))
        self.checks: dict[str, QCheckBox] = {}
        for seat in others:
            check = QCheckBox(shown(seat.label))
            check.setChecked(True)
            layout.addWidget(check)
            self.checks[seat.id] = check
        layout.addWidget(QLabel("With your words:"))
        self.instruction = QPlainTextEdit(DEFAULT_FORWARD_INSTRUCTION)
        self.instruction.setAccessibleName("Forward instruction")
        layout.addWidget(self.instruction)
        # Thinking is never sent on unless asked for, and only offered where there is some.
        self.with_reasoning = QCheckBox("Include its reasoning (what it thought before answering)")
        self.with_reasoning.setVisible(has_reasoning)
        layout.addWidget(self.with_reasoning)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Forward")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def targets(self) -> list[str]:
        return [seat_id for seat_id, check in self.checks.items() if check.isChecked()]
