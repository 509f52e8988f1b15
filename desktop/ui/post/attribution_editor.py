"""The post editor's attribution block: the "drafted with assistance from …" line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from desktop.core.post import editing as edits
from desktop.core.records.post_blocks import AttributionBlock


class AttributionEditor(QWidget):
    """The attribution line: empty is the generated one."""

    def __init__(self, push: Callable[[edits.Edit, str], None]) -> None:
        super().__init__()
        self.line = QLineEdit()
        self.line.setAccessibleName("Attribution line")
        self.line.editingFinished.connect(
            lambda: push(
                edits.attribution(self.line.text().strip() or None, True), "Edit attribution"
            )
        )
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow("Attribution", self.line)
        layout.addRow("", QLabel("Leave it empty for the line made from the sections' names."))

    def load(self, block: AttributionBlock, generated: str) -> None:
        """Show ``block``'s line, with the ``generated`` one as its placeholder."""
        self.line.setPlaceholderText(generated)
        if not self.line.isModified():  # not while she is changing it
            self.line.setText(block.text or "")
