"""A row of widgets that scrolls sideways rather than widening the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QSizePolicy, QWidget


class SidewaysRow(QScrollArea):
    """One line of widgets, as tall as they are plus a scroll bar for when they overflow.

    The composer's seat toggles and its attachment chips both use it: six long seat
    labels or ten files must not make the window wider than the screen.
    """

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._content = QWidget()
        self._layout = QHBoxLayout(self._content)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addStretch(1)
        self.setWidget(self._content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the widgets in it take Tab
        self.setAccessibleName(accessible_name)
        self._fit()

    def append(self, widget: QWidget) -> None:
        self._layout.insertWidget(self._layout.count() - 1, widget)
        self._fit()

    def discard(self, widget: QWidget) -> None:
        """Take ``widget`` out of the row and delete it."""
        self._layout.removeWidget(widget)
        widget.deleteLater()
        self._fit()

    def _fit(self) -> None:
        bar = self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(self._content.sizeHint().height() + bar)
