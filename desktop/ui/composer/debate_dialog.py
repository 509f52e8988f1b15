"""Start a debate round: the words that go with the other seats' answers, and whether
their reasoning goes too."""

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

from desktop.core.session.conversation import DEFAULT_DEBATE_INSTRUCTION


class DebateDialog(QDialog):
    """The debate round's instruction, and "include reasoning" where some answer has it."""

    def __init__(self, parent: QWidget | None = None, has_reasoning: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Debate round")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Each selected seat gets the other seats' latest answers, with:"))
        self.instruction = QPlainTextEdit(DEFAULT_DEBATE_INSTRUCTION)
        self.instruction.setAccessibleName("Debate instruction")
        layout.addWidget(self.instruction)
        self.with_reasoning = QCheckBox(
            "Include each answer's reasoning (what its seat thought before answering)"
        )
        self.with_reasoning.setVisible(has_reasoning)
        layout.addWidget(self.with_reasoning)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start the round")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
