"""Set how big an attached file, and all the files of one prompt, may be."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from desktop.core.attachments import MAX_FILE_SIZE, MB, AttachmentLimits


class LimitsDialog(QDialog):
    """Two sizes in MB; ``limits()`` gives them back."""

    def __init__(self, limits: AttachmentLimits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Attachment limits")
        self.per_file = self._spin(limits.per_file, "Largest file", MAX_FILE_SIZE)
        # Each file crosses to the provider worker on its own, so a turn's files together
        # have only the providers' limits to respect: none takes a request near 150 MB.
        self.per_turn = self._spin(limits.per_turn, "All files of one prompt", 150 * MB)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                "Files over these sizes are refused before anything is sent. The defaults sit "
                "near the providers' own limits."
            )
        )
        form.addRow("Largest file:", self.per_file)
        form.addRow("All files of one prompt:", self.per_turn)
        form.addRow(box)

    def _spin(self, size: int, name: str, most: int) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(0.1, most / MB)
        spin.setDecimals(1)
        spin.setSuffix(" MB")
        spin.setValue(size / MB)
        spin.setAccessibleName(name)
        return spin

    def limits(self) -> AttachmentLimits:
        return AttachmentLimits(
            per_file=round(self.per_file.value() * MB), per_turn=round(self.per_turn.value() * MB)
        )
