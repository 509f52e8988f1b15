"""Under the panes: the verdicts of the round. The chairs that are not at the table, a
pane each, and the peer review's combined ranking (average Borda points, each seat's own
ranking on hover; a ranking that could not be read says so)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from desktop.core.records.model import Session, TurnKind
from desktop.core.session.verdict_turns import key_of, peer_scores, ranking_of
from desktop.ui.utils.shown import shown


class VerdictBar(QWidget):
    """The chairs' panes (``chairs``, filled by the strip) and the peer review line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.peer = QLabel()
        self.peer.setTextFormat(Qt.TextFormat.PlainText)
        self.peer.setWordWrap(True)
        self.peer.setAccessibleName("Peer review ranking")
        self.chairs = QSplitter(Qt.Orientation.Horizontal)
        self.chairs.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.peer)
        layout.addWidget(self.chairs, 1)
        self.peer.hide()
        self.chairs.hide()
        self.hide()

    def show_peer_review(self, session: Session) -> None:
        """The latest peer review's combined ranking, or nothing when there is none."""
        turn = next((t for t in reversed(session.turns) if t.kind is TurnKind.PEER_REVIEW), None)
        if turn is None:
            self.peer.hide()
            self._fit()
            return
        labels = {seat.id: seat.label for seat in session.seats}
        scores = peer_scores(turn)
        said = " · ".join(f"{labels.get(s, '?')} {points:g}" for s, points in scores.items())
        line = (
            f"⇅ Peer review (average Borda points): {said}"
            if said
            else "⇅ Peer review: none read yet"
        )
        self.peer.setText(shown(line))
        whose = key_of(turn)
        lines = []
        for reply in (turn.latest_reply(s) for s in turn.targets):
            if reply is None or not reply.status.is_final:
                continue
            read = ranking_of(turn, reply)
            ranked = (
                " > ".join(labels.get(whose.get(letter, ""), "?") for letter in read.order)
                if read.order is not None
                else f"not read: {read.problem}"
            )
            lines.append(f"{labels.get(reply.seat_id, '?')}: {ranked}")
        self.peer.setToolTip(shown("\n".join(lines)))
        self.peer.show()
        self._fit()

    def chairs_shown(self, shown_: bool) -> None:
        """Whether there are chairs apart to show."""
        self.chairs.setVisible(shown_)
        self._fit()

    def _fit(self) -> None:
        self.setVisible(not self.peer.isHidden() or not self.chairs.isHidden())
