"""The files waiting to go with the next prompt, shown as chips above the prompt box."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from desktop.core.model import Attachment

THUMBNAIL_PX = 32


class Chip(QFrame):
    """One attachment: thumbnail (images), name, size and type, and a remove button."""

    remove_requested = Signal(str)  # the attachment id

    def __init__(
        self, attachment: Attachment, summary: str, thumbnail: QImage | None = None
    ) -> None:
        super().__init__()
        self.attachment = attachment
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(f"Attachment {attachment.name}")
        self.setToolTip(f"{attachment.name}\n{summary}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 2, 2)
        if thumbnail is not None and not thumbnail.isNull():
            picture = QLabel()
            picture.setPixmap(QPixmap.fromImage(thumbnail))
            layout.addWidget(picture)
        self.text = QLabel(
            f"<b>{_escape(attachment.name)}</b><br><small>{_escape(summary)}</small>"
        )
        layout.addWidget(self.text)
        remove = QToolButton()
        remove.setText("✕")
        remove.setAutoRaise(True)
        remove.setToolTip(f"Don't send {attachment.name}")
        remove.setAccessibleName(f"Remove attachment {attachment.name}")
        remove.clicked.connect(lambda: self.remove_requested.emit(attachment.id))
        layout.addWidget(remove)
        self.remove_button = remove


class AttachmentChips(QScrollArea):
    """A row of chips that scrolls sideways; hidden while there is nothing attached."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row_widget = QWidget()
        self._row = QHBoxLayout(self._row_widget)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.addStretch(1)
        self.setWidget(self._row_widget)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Attachments")
        self.chips: list[Chip] = []
        self.hide()

    def add(self, attachment: Attachment, summary: str, thumbnail: QImage | None) -> None:
        """Show ``attachment`` (the same file attached twice is shown once; the same
        bytes under another name are another attachment, as the transcript keeps them)."""
        same = (attachment.sha256, attachment.name)
        if any((c.attachment.sha256, c.attachment.name) == same for c in self.chips):
            return
        chip = Chip(attachment, summary, thumbnail)
        chip.remove_requested.connect(self.remove)
        self._row.insertWidget(self._row.count() - 1, chip)
        self.chips.append(chip)
        self._fit()

    def remove(self, attachment_id: str) -> None:
        for chip in list(self.chips):
            if chip.attachment.id == attachment_id:
                self.chips.remove(chip)
                self._row.removeWidget(chip)
                chip.deleteLater()
        self._fit()

    def clear(self) -> None:
        for chip in list(self.chips):
            self.remove(chip.attachment.id)

    def attachments(self) -> list[Attachment]:
        return [chip.attachment for chip in self.chips]

    def _fit(self) -> None:
        self.setVisible(bool(self.chips))
        bar = self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(self._row_widget.sizeHint().height() + bar)
        self.changed.emit()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
