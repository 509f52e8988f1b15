"""The bar the window shows in review mode, in place of the composer.

A session opened to review (from the library, or the sample) is read, searched,
annotated and turned into a post like any other, but nothing is sent: no key, no
network and no provider worker are needed. "Continue this session" makes it live.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from desktop.ui.utils.shown import shown


class ReviewBar(QFrame):
    """Says the session is being reviewed; ``go_live`` and ``compare`` when asked."""

    go_live = Signal()
    compare = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setWordWrap(True)
        compare = QPushButton("Compare two replies…")
        compare.clicked.connect(self.compare)
        live = QPushButton("Continue this session")
        live.setToolTip("Send follow-ups in this session (needs its assistants' keys)")
        live.clicked.connect(self.go_live)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(compare)
        row.addWidget(live)

    def describe(self, title: str) -> None:
        """Name the session under review."""
        self.text.setText(
            shown(f"Reviewing “{title or 'untitled session'}”: nothing is sent from here.")
        )
