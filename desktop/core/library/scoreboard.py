"""The scoreboard: who has won so far, across the sessions of the library.

Per model: the author's votes (each a pairwise outcome: a best-answer vote beats every
other answer of its turn, a pairwise one beats, or ties with, the other reply), how many
of its wins were in blind turns, its average place in peer reviews, its stars and
reactions; and its strength by Bradley-Terry over every outcome, with a 95 % interval,
shown only from :data:`MIN_VOTES` votes on ("not enough votes" below).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from desktop.core.library.bradley_terry import Outcome, with_intervals
from desktop.core.library.folder import Library
from desktop.core.records.model import AnnotationKind, Reply, Session, Turn, TurnKind
from desktop.core.records.post_blocks import ScoreboardBlock, ScoreLine
from desktop.core.session.verdict_turns import peer_scores
from desktop.core.transcript import TranscriptError, load_session
from desktop.core.utils.stamps import now

MIN_VOTES = 5  # a strength from fewer votes says more about chance than about the model
JSON_KEYS = ("model", "label", "votes", "wins", "losses", "ties", "strength", "low", "high",
             "peer_rank", "stars", "reactions")  # fmt: skip


@dataclass
class ModelLine:
    """One model's line on the board."""

    model: str
    label: str
    votes: int = 0
    wins: int = 0
    losses: int = 0
    ties: int = 0
    blind_wins: int = 0
    strength: float | None = None
    low: float | None = None
    high: float | None = None
    peer_rank: float | None = None  # its average place in peer reviews (1: first)
    stars: int = 0
    reactions: int = 0
    places: list[int] = field(default_factory=list, repr=False)

    def as_json(self) -> dict[str, Any]:
        """The fixed keys ``roundtable scoreboard --json`` prints, in their order."""
        return {key: getattr(self, key) for key in JSON_KEYS}


def tally(
    sessions: Iterable[Session], tag: str | None = None, since: datetime | None = None
) -> list[ModelLine]:
    """The board over ``sessions`` (those with ``tag``, created ``since``), strongest
    first, then the most wins; a model with no votes yet still has its line."""
    lines: dict[str, ModelLine] = {}
    outcomes: list[Outcome] = []
    for session in sessions:
        if tag is not None and tag not in session.tags:
            continue
        if since is not None and session.created_at < since:
            continue
        _count(session, lines, outcomes)
    board = with_intervals(outcomes)
    for line in lines.values():
        if line.places:
            line.peer_rank = round(sum(line.places) / len(line.places), 2)
        found = board.get(line.model)
        if found is not None and line.votes >= MIN_VOTES:
            line.strength = round(found.strength, 1)
            line.low, line.high = round(found.low, 1), round(found.high, 1)
    return sorted(
        lines.values(),
        key=lambda m: (m.strength is None, -(m.strength or 0.0), -m.wins, m.model),
    )


def _count(session: Session, lines: dict[str, ModelLine], outcomes: list[Outcome]) -> None:
    models = {seat.id: seat.model for seat in session.seats if not seat.chair}
    for seat in session.seats:
        if not seat.chair:  # a chair apart judges; it is no contestant
            lines.setdefault(seat.model, ModelLine(seat.model, seat.label)).label = seat.label
    replies: dict[str, tuple[Turn, Reply]] = {
        r.id: (t, r) for t in session.turns for r in t.replies
    }

    def line_of(seat_id: str) -> ModelLine | None:
        model = models.get(seat_id)
        return lines.get(model) if model is not None else None

    for note in session.annotations:
        if note.kind is AnnotationKind.VOTE and note.target_id in replies:
            for outcome in _outcomes(note.target_id, note.versus, note.tie, replies, models):
                outcomes.append(outcome)
                turn, _ = replies[note.target_id]
                _record(outcome, lines, blind=turn.blind)
        elif note.kind in (AnnotationKind.STAR, AnnotationKind.REACTION):
            found = replies.get(note.target_id)
            marked = line_of(found[1].seat_id if found is not None else note.target_id)
            if marked is not None:
                if note.kind is AnnotationKind.STAR:
                    marked.stars += 1
                else:
                    marked.reactions += 1
    for turn in session.turns:
        if turn.kind is TurnKind.PEER_REVIEW:
            scores = peer_scores(turn)
            for seat_id, points in scores.items():
                placed = line_of(seat_id)
                if placed is not None:  # equal points share a place ("1, 2, 2")
                    placed.places.append(1 + sum(1 for p in scores.values() if p > points))


def _outcomes(
    winner_id: str,
    versus: str | None,
    tie: bool,
    replies: dict[str, tuple[Turn, Reply]],
    models: dict[str, str],
) -> list[Outcome]:
    turn, winner = replies[winner_id]
    first = models.get(winner.seat_id)
    if first is None:
        return []
    if versus is not None:
        other = replies.get(versus)
        second = models.get(other[1].seat_id) if other is not None else None
        return [] if second is None or second == first else [Outcome(first, second, tie)]
    # Only answers there were: a seat whose reply failed with nothing was not beaten.
    answered = [
        seat_id
        for seat_id in turn.targets
        if (reply := turn.latest_reply(seat_id)) is not None
        and reply.status.is_final
        and reply.text
    ]
    beaten = {models.get(seat_id) for seat_id in answered if seat_id != winner.seat_id}
    return [Outcome(first, loser) for loser in sorted(m for m in beaten if m and m != first)]


def _record(outcome: Outcome, lines: dict[str, ModelLine], blind: bool) -> None:
    first, second = lines[outcome.first], lines[outcome.second]
    first.votes += 1
    second.votes += 1
    if outcome.tie:
        first.ties += 1
        second.ties += 1
        return
    first.wins += 1
    second.losses += 1
    if blind:
        first.blind_wins += 1


def sessions_in(library: Library) -> Iterator[Session]:
    """Every session of the library that can be read (a damaged one is passed over:
    ``roundtable list`` says what is wrong with it)."""
    for path in library.files():
        try:
            yield load_session(path).session
        except (TranscriptError, OSError):
            continue


def taken(lines: list[ModelLine], tag: str | None = None) -> ScoreboardBlock:
    """The board as a post's block, as it stands now."""
    kept = [
        ScoreLine(m.model, m.label, m.votes, m.wins, m.losses, m.ties, m.strength, m.low,
                  m.high, m.peer_rank, m.stars, m.reactions)
        for m in lines
    ]  # fmt: skip
    return ScoreboardBlock(kept, now(), tag)


def strength_text(line: ModelLine) -> str:
    """ "1083 (1020–1150)", or "not enough votes" under :data:`MIN_VOTES`."""
    if line.strength is None or line.low is None or line.high is None:
        return "not enough votes"
    return f"{line.strength:.0f} ({line.low:.0f}–{line.high:.0f})"
