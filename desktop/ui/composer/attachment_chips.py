"""The files waiting to go with the next prompt, shown as chips above the prompt box."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from desktop.core.records.model import Attachment
from desktop.ui.utils.shown import shown, tooltip
from desktop.ui.widgets.sideways_row import SidewaysRow

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
        name = shown(attachment.name)
        self.setAccessibleName(f"Attachment {name}")
        self.setToolTip(tooltip(f"{attachment.name}\n{summary}"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 2, 2)
        if thumbnail is not None and not thumbnail.isNull():
            picture = QLabel()
            picture.setPixmap(QPixmap.fromImage(thumbnail))
            layout.addWidget(picture)
        self.text = QLabel(
            f"<b>{html.escape(name)}</b><br><small>{html.escape(shown(summary))}</small>"
        )
        layout.addWidget(self.text)
        remove = QToolButton()
        remove.setText("✕")
        remove.setAutoRaise(True)
        remove.setToolTip(tooltip(f"Don't send {attachment.name}"))
        remove.setAccessibleName(f"Remove attachment {name}")
        remove.clicked.connect(lambda: self.remove_requested.emit(attachment.id))
        layout.addWidget(remove)
        self.remove_button = remove


class AttachmentChips(SidewaysRow):
    """The chips, in a row that scrolls sideways; hidden while nothing is attached."""

    changed = Signal()  # a chip was added or removed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Attachments", parent)
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
        self.chips.append(chip)
        self.append(chip)
        self.show()
        self.changed.emit()

    def remove(self, attachment_id: str) -> None:
        for chip in [c for c in self.chips if c.attachment.id == attachment_id]:
            self.chips.remove(chip)
            self.discard(chip)
            self.changed.emit()
        self.setVisible(bool(self.chips))

    def clear(self) -> None:
        for chip in list(self.chips):
            self.remove(chip.attachment.id)

    def attachments(self) -> list[Attachment]:
        return [chip.attachment for chip in self.chips]
