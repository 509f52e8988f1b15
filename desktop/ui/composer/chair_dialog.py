"""Session → Ask the chair…: who weighs the answers, whose, how, and whether it reads
them anonymised."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core.records.model import ChairMode, Seat
from desktop.ui.utils.shown import plain_label, shown

MODES = (
    (ChairMode.SYNTHESIS, "A synthesis: the best combined answer"),
    (ChairMode.COMPARE, "A comparison: who holds which claim, as a table"),
    (ChairMode.FACT_CHECK, "A fact-check: the claims that need a source"),
    (ChairMode.CUSTOM, "Your own instruction"),
)
ANOTHER = ""  # the chair combo's data for "a model not at the table"


class ChairDialog(QDialog):
    """The chair's settings; read ``chair_id()`` (or ``other_model()``), ``mode()``,
    ``seat_ids()``, ``instruction()`` and ``anonymous`` once accepted."""

    def __init__(
        self, table: list[Seat], chairs: list[Seat], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Ask the chair")
        self.chair = QComboBox()
        self.chair.setAccessibleName("Chair")
        for seat in chairs:
            self.chair.addItem(shown(f"{seat.label} (apart from the table)"), seat.id)
        for seat in table:
            self.chair.addItem(shown(f"{seat.label} (at the table)"), seat.id)
        self.chair.addItem("A model not at the table…", ANOTHER)
        self.model = QLineEdit()
        self.model.setPlaceholderText("a litellm model id, e.g. anthropic/claude-opus-4-1")
        self.model.setAccessibleName("The chair's model")
        self.mode = QComboBox()
        self.mode.setAccessibleName("What the chair writes")
        for mode, label in MODES:
            self.mode.addItem(label, mode)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("The chair's instruction")
        self.text.setPlaceholderText("What should the chair do with the answers?")
        self.text.setMaximumHeight(80)
        self.checks: dict[str, QCheckBox] = {}
        seats = QWidget()
        column = QVBoxLayout(seats)
        column.setContentsMargins(0, 0, 0, 0)
        for seat in table:
            check = QCheckBox(shown(seat.label))
            check.setChecked(True)
            column.addWidget(check)
            self.checks[seat.id] = check
        self.anonymous = QCheckBox("Anonymised: it reads them as Response A, B, C, shuffled")
        self.anonymous.setChecked(True)
        form = QFormLayout()
        form.addRow("Chair", self.chair)
        form.addRow("", self.model)
        form.addRow("Writes", self.mode)
        form.addRow("", self.text)
        form.addRow("Reads the latest answers of", seats)
        form.addRow("", self.anonymous)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Ask the chair")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label("The chair weighs the seats' latest answers."))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.chair.currentIndexChanged.connect(self._fit)
        self.mode.currentIndexChanged.connect(self._fit)
        self._fit()

    def _fit(self) -> None:
        self.model.setVisible(self.chair.currentData() == ANOTHER)
        self.text.setVisible(self.mode.currentData() is ChairMode.CUSTOM)

    def chair_id(self) -> str:
        """The chosen seat's id; "" for a model not at the table (see ``other_model``)."""
        return str(self.chair.currentData())

    def other_model(self) -> str:
        """The model id typed for a chair not at the table."""
        return self.model.text().strip()

    def chosen_mode(self) -> ChairMode:
        """What the chair is asked to write."""
        return ChairMode(self.mode.currentData())

    def instruction(self) -> str:
        """The user's own instruction (a custom chair)."""
        return self.text.toPlainText().strip()

    def seat_ids(self) -> list[str]:
        """The seats whose answers the chair reads."""
        return [seat_id for seat_id, check in self.checks.items() if check.isChecked()]
