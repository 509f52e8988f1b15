"""A one-line label that ends in … when its pane is too narrow for the whole text."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from desktop.ui.utils.shown import shown, tooltip


class ElidedLabel(QLabel):
    """Shows as much of its text (as text, never HTML) as fits, then "…"; the whole
    text is in the tool tip.

    Its minimum width is small on purpose: a long seat label or model id must not
    decide how narrow a pane can be.
    """

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = shown(text)
        self.setToolTip(tooltip(text))
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(self._full)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        """Show ``text`` instead: elided to the width it has, whole in the tool tip."""
        self._full = shown(text)
        self.setToolTip(tooltip(text))
        width = self.width()
        mode = Qt.TextElideMode.ElideRight
        self.setText(
            self.fontMetrics().elidedText(self._full, mode, width) if width > 1 else self._full
        )
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("M…")), hint.height())

    def sizeHint(self) -> QSize:
        return QSize(
            self.fontMetrics().horizontalAdvance(self._full) + 2, super().sizeHint().height()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        elided = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideRight, event.size().width()
        )
        if elided != self.text():
            self.setText(elided)
