"""Library → Scoreboard: who has won so far, a line per model (see
``desktop.core.library.scoreboard``), read on the library's thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.library.scoreboard import MIN_VOTES, ModelLine, strength_text
from desktop.ui.utils.shown import shown

COLUMNS = ("Model", "Label", "Votes", "Won", "Lost", "Tied", "Blind wins", "Strength (95 %)",
           "Peer place", "★", "Reactions")  # fmt: skip


class ScoreboardView(QDialog):
    """The board; ``show_lines`` fills it once the library has counted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scoreboard — Roundtable")
        self.status = QLabel("Counting the votes in the library…")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Scoreboard")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.resize(980, 420)

    def show_lines(self, lines: list[ModelLine]) -> None:
        """One row per model, strongest first."""
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            peer = f"{line.peer_rank:g}" if line.peer_rank is not None else "—"
            cells = (line.model, line.label, line.votes, line.wins, line.losses, line.ties,
                     line.blind_wins, strength_text(line), peer, line.stars,
                     line.reactions)  # fmt: skip
            for column, value in enumerate(cells):
                item = QTableWidgetItem(shown(str(value)))
                if isinstance(value, int):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        voted = sum(line.wins + line.ties for line in lines)
        self.status.setText(
            f"Strengths by Bradley-Terry over the author's votes, with a 95 % interval; "
            f"shown from {MIN_VOTES} votes. Peer place: the average place in peer reviews."
            if voted
            else "No votes yet: vote in a session (Reply → Vote best answer) and save it in "
            "the library."
        )
