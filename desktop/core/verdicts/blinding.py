"""Blind rounds: whether who answered a turn may be shown yet, and the names the seats
go by until then (pure: the panes, the quotes sent and the votes all ask it)."""

from __future__ import annotations

import random

from desktop.core.records.model import Annotation, AnnotationKind, Session, Turn


def votes_on(session: Session, turn: Turn) -> list[Annotation]:
    """The votes on ``turn``'s answers."""
    ids = {reply.id for reply in turn.replies}
    return [a for a in session.annotations if a.kind is AnnotationKind.VOTE and a.target_id in ids]


def revealed(session: Session, turn: Turn) -> bool:
    """Whether who answered ``turn`` may be shown: it is not blind, or has a vote."""
    return not turn.blind or bool(votes_on(session, turn))


def awaiting_vote(session: Session) -> Turn | None:
    """The session's newest blind turn, while it awaits the author's vote."""
    for turn in reversed(session.turns):
        if turn.blind:
            return None if revealed(session, turn) else turn
    return None


def names_while_blind(session: Session) -> dict[str, str]:
    """The names the seats go by while a blind turn awaits the vote (empty otherwise):
    quotes sent meanwhile use them too, so no answer that quotes another can give a
    seat's name away."""
    turn = awaiting_vote(session)
    return blind_names(turn) if turn is not None else {}


def blind_names(turn: Turn) -> dict[str, str]:
    """The names a blind turn's seats go by until the vote: "Seat A", "Seat B", … in an
    order shuffled by the turn's id (the same every time it is drawn, unguessable from
    the table's order)."""
    seats = list(dict.fromkeys(turn.targets))
    random.Random(turn.id).shuffle(seats)
    return {
        seat_id: f"Seat {chr(ord('A') + i)}" if i < 26 else f"Seat {i + 1}"
        for i, seat_id in enumerate(seats)
    }
