"""The strip of panes: one per seat at the table, their widths, scroll sync, and
routing each change of the session to the panes it concerns."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QSplitter

from desktop.core.records.changes import (
    AnnotationsChanged,
    Change,
    ReplyAdded,
    ReplyChanged,
    SeatsChanged,
    SessionReplaced,
    TurnAdded,
    VotesChanged,
)
from desktop.core.records.model import Session, TurnKind
from desktop.core.verdicts.blinding import awaiting_vote, blind_names
from desktop.ui.table.pane import SeatPane
from desktop.ui.table.scroll_sync import aligned_position
from desktop.ui.table.verdict_bar import VerdictBar
from desktop.ui.utils.app_settings import AppSettings


class PaneStrip(QSplitter):
    """Seat panes side by side; ``wire`` connects each new pane's signals."""

    def __init__(self, settings: AppSettings, wire: Callable[[SeatPane], None]) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.settings = settings
        self._wire = wire
        self.panes: list[SeatPane] = []
        # The chairs apart from the table, and the peer review's ranking, under the panes
        # (the window puts ``verdicts`` there).
        self.verdicts = VerdictBar()
        self.blind_turn_id: str | None = None
        self.names: dict[str, str] = {}  # by seat id, while blind: "Seat A", …
        self.chair_panes: list[SeatPane] = []
        self.sync_scrolling = False
        self._sync_guard = False
        self.setChildrenCollapsible(False)
        self.splitterMoved.connect(self._remember_widths)

    # -- changes -------------------------------------------------------------------------

    def apply(self, change: Change, session: Session) -> None:
        """Update only what ``change`` names."""
        match change:
            case SessionReplaced() | SeatsChanged():
                self.rebuild(session)
            case TurnAdded(turn=turn) if turn.blind:
                self.rebuild(session)  # the panes shuffled and named until the vote
            case TurnAdded(turn=turn):
                for pane in self.every_pane:
                    pane.append_turn(session, turn)
                self.verdicts.show_peer_review(session)
            case VotesChanged():
                if self.blind_turn_id != _blind_turn_id(session):
                    self.rebuild(session)  # revealed (or, undone, hidden again)
                for pane in self.every_pane:
                    pane.show_marks()
            case ReplyAdded(turn=turn, reply=reply):
                for pane in self.every_pane:
                    pane.reply_added(turn, reply)
            case ReplyChanged(turn=turn, reply=reply, parts=parts):
                for pane in self.every_pane:
                    if pane.seat.id == reply.seat_id:
                        pane.reply_changed(reply, parts)
                if turn.kind is TurnKind.PEER_REVIEW and reply.status.is_final:
                    self.verdicts.show_peer_review(session)
            case AnnotationsChanged():
                for pane in self.every_pane:
                    pane.show_marks()

    @property
    def blind(self) -> bool:
        """Whether the table is blind now: its newest blind turn awaits a vote."""
        return self.blind_turn_id is not None

    @property
    def every_pane(self) -> list[SeatPane]:
        """The panes at the table, then the chairs' apart."""
        return [*self.panes, *self.chair_panes]

    def rebuild(self, session: Session) -> None:
        """A pane per seat at the table, each drawing its whole conversation."""
        for pane in self.every_pane:
            pane.setParent(None)
            pane.deleteLater()
        self.panes, self.chair_panes = [], []
        self.blind_turn_id = _blind_turn_id(session)
        names = blind_names(session.find_turn(self.blind_turn_id)) if self.blind_turn_id else {}
        self.names = names
        for chair in session.chairs:
            pane = SeatPane(chair)
            pane.aliases = names
            self._wire(pane)
            self.verdicts.chairs.addWidget(pane)
            self.chair_panes.append(pane)
            pane.rebuild(session)
        self.verdicts.chairs_shown(bool(self.chair_panes))
        self.verdicts.show_peer_review(session)
        seats = session.active_seats
        if names:  # shuffled, so neither the order nor the name gives a model away
            seats = sorted(seats, key=lambda s: names.get(s.id, "~"))
        for seat in seats:
            pane = SeatPane(seat)
            pane.aliases = names
            self._wire(pane)
            pane.view.verticalScrollBar().valueChanged.connect(
                lambda value, p=pane: self._scrolled(p, value)
            )
            self.addWidget(pane)
            self.panes.append(pane)
            pane.rebuild(session)
            if names:
                pane.set_blind(names.get(seat.id, "Seat ?"))
        self._apply_widths()

    def set_needs_approval(self, why: dict[str, str]) -> None:
        """By seat id, why a seat waits for the user's approval (absent: it does not)."""
        for pane in self.panes:
            pane.set_needs_approval(why.get(pane.seat.id, ""))

    def set_provider_ready(self, ready: bool) -> None:
        """Whether the provider worker is warm (waiting panes say so when it is not)."""
        for pane in self.panes:
            pane.set_provider_ready(ready)

    # -- focus ---------------------------------------------------------------------------

    def pane(self, number: int) -> SeatPane | None:
        """Pane ``number`` (from 1), if there is one."""
        return self.panes[number - 1] if 0 < number <= len(self.panes) else None

    def focused(self) -> SeatPane | None:
        """The pane holding the keyboard focus, if any."""
        focus = QApplication.focusWidget()
        for pane in self.every_pane:
            if focus is not None and (focus is pane or pane.isAncestorOf(focus)):
                return pane
        return None

    # -- scroll sync ---------------------------------------------------------------------

    def set_sync_scrolling(self, on: bool) -> None:
        """Keep the panes on the same turn (see ``scroll_sync``)."""
        self.sync_scrolling = on
        if on and self.panes:
            self._scrolled(self.panes[0], self.panes[0].view.verticalScrollBar().value())

    def _scrolled(self, source: SeatPane, value: int) -> None:
        if not self.sync_scrolling or self._sync_guard:
            return
        self._sync_guard = True
        try:
            anchors = source.view.turn_anchors()
            height = source.view.document().size().height()
            maximum = max(1, source.view.verticalScrollBar().maximum())
            for pane in self.panes:
                if pane is source:
                    continue
                bar = pane.view.verticalScrollBar()
                aligned = aligned_position(
                    anchors,
                    height,
                    value,
                    pane.view.turn_anchors(),
                    pane.view.document().size().height(),
                )
                # Same turn side by side; by proportion only when no turn lines up.
                target = aligned if aligned is not None else value / maximum * bar.maximum()
                bar.setValue(round(target))
        finally:
            self._sync_guard = False

    # -- widths --------------------------------------------------------------------------

    def _apply_widths(self) -> None:
        """The widths last chosen for this many panes, else equal widths."""
        count = len(self.panes)
        if not count:
            return
        fractions = self.settings.pane_widths(count) or [1 / count] * count
        total = max(self.width(), 1000)
        self.setSizes([max(1, round(f * total)) for f in fractions])

    def _remember_widths(self) -> None:
        sizes = self.sizes()
        total = sum(sizes)
        if total > 0:
            self.settings.set_pane_widths([size / total for size in sizes])


def _blind_turn_id(session: Session) -> str | None:
    """The blind turn awaiting the vote, if any (the table is blind until then)."""
    turn = awaiting_vote(session)
    return turn.id if turn is not None else None
