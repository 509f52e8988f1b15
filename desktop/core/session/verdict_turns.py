"""Building the turns that end a round with a verdict: the chair's and a peer review.

Beside the other turn builders and as pure: each returns the new Turn without changing
the session. Core alone decides what a model reading the answers sees: with
``anonymous`` (the default) each answer is labelled "Response A", "Response B", … in a
shuffled order, no seat label or model id anywhere in what is sent, and each quote
keeps whose answer it is (its ``seat_id`` and ``reply_id``): that is the key, kept in
the transcript.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import replace

from desktop.core.records.model import ChairMode, Quote, Reply, Session, Turn, TurnKind
from desktop.core.session import conversation
from desktop.core.verdicts.blinding import names_while_blind
from desktop.core.verdicts.rankings import RANKING_INSTRUCTION, RankingRead, borda, read_ranking

_READ_THEM = (
    "Below are the latest answers of several assistants to the same conversation, "
    "labelled Response A, Response B and so on. "
)
CHAIR_INSTRUCTIONS = {
    ChairMode.SYNTHESIS: _READ_THEM
    + "Write the single best answer to the question, combining what each response gets "
    "right and leaving out what is wrong or unsupported. Where you rely on a response, "
    "name it (for example, Response B).",
    ChairMode.COMPARE: _READ_THEM
    + "Compare them. Give a Markdown table with one row per claim and one column per "
    "response, saying for each whether it makes the claim, disputes it or is silent; then "
    "say in a few sentences where they agree, where they disagree, and which response "
    "makes the strongest case. Name responses as Response A, Response B, and so on.",
    ChairMode.FACT_CHECK: _READ_THEM
    + "List the factual claims in them that need a source, as a Markdown table: the "
    "claim, the responses that make it, and how it could be checked. Then say which "
    "claims you doubt, and why.",
}
PEER_REVIEW_INSTRUCTION = (
    "Below are other assistants' answers to the same conversation, labelled Response A, "
    "Response B and so on. Evaluate each: what it gets right, what it gets wrong, what "
    "it leaves out. Then rank them from best to worst. " + RANKING_INSTRUCTION
)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def anonymised(quotes: Iterable[Quote], rng: random.Random) -> list[Quote]:
    """The quotes in a shuffled order, each labelled "Response A", "Response B", …
    (keeping whose each is); their reasoning is never sent under a letter."""
    shuffled = list(quotes)
    rng.shuffle(shuffled)
    if len(shuffled) > len(LETTERS):
        raise ValueError(f"at most {len(LETTERS)} answers can be read anonymised")
    return [
        replace(quote, seat_label=f"Response {letter}", reasoning="")
        for letter, quote in zip(LETTERS, shuffled, strict=False)
    ]


def chair(
    session: Session,
    chair_id: str,
    mode: ChairMode = ChairMode.SYNTHESIS,
    seat_ids: Iterable[str] | None = None,
    instruction: str = "",
    anonymous: bool = True,
    rng: random.Random | None = None,
) -> Turn:
    """The chair ``chair_id`` (a seat at the table or a chair apart) reads the latest
    answers of ``seat_ids`` (every seat at the table but itself, if None) and writes
    what ``mode`` asks, or the user's ``instruction`` for a custom one.

    Raises ValueError for an unknown chair or seat, no answer to read, or a custom chair
    with no instruction.
    """
    _not_while_blind(session)
    chair_seat = session.seat(chair_id)
    if chair_seat.removed:
        raise ValueError(f"{chair_seat.label} has left the table")
    table = [s.id for s in session.active_seats]
    chosen = [s for s in (table if seat_ids is None else list(dict.fromkeys(seat_ids)))
              if s != chair_id]  # fmt: skip
    unknown = [s for s in chosen if s not in table]
    if unknown:
        raise ValueError(f"no seat with id {unknown[0]!r} at this table")
    quotes = conversation.latest_quotes(session, chosen)
    if not quotes:
        raise ValueError("the chair needs at least one answer to read")
    if mode is ChairMode.CUSTOM and not instruction.strip():
        raise ValueError("a custom chair needs your instruction")
    asked = instruction.strip() if mode is ChairMode.CUSTOM else CHAIR_INSTRUCTIONS[mode]
    question = _question(session, quotes)
    text = f"{asked}\n\nThe question they answered:\n{question}" if question else asked
    if anonymous:
        quotes = anonymised(quotes, rng or random.Random())
    turn = Turn(TurnKind.CHAIR, text, [chair_id], quotes=quotes, mode=mode, anonymous=anonymous)
    turn.replies = [Reply(seat_id=chair_id)]
    return turn


def peer_review(session: Session, rng: random.Random | None = None) -> Turn:
    """Each seat at the table with an answer ranks the others' latest answers, read
    anonymised (never its own: the quotes a seat is sent leave its own out).

    Raises ValueError when fewer than three seats have answered (with two, each would
    rank one answer: no ranking at all).
    """
    _not_while_blind(session)
    table = [s.id for s in session.active_seats]
    quotes = conversation.latest_quotes(session, table)
    if len(quotes) < 3:
        raise ValueError("a peer review needs the answers of at least three seats")
    lettered = anonymised(quotes, rng or random.Random())
    turn = Turn(
        TurnKind.PEER_REVIEW,
        PEER_REVIEW_INSTRUCTION,
        [q.seat_id for q in quotes],
        quotes=lettered,
        anonymous=True,
    )
    turn.replies = [Reply(seat_id=seat_id) for seat_id in turn.targets]
    return turn


def ranking_of(turn: Turn, reply: Reply) -> RankingRead:
    """The ranking one seat gave in a peer review: the letters of the others' answers,
    best first (never its own), or why it cannot be read."""
    letters = {q.seat_label.removeprefix("Response ") for q in turn.quotes
               if q.seat_id != reply.seat_id}  # fmt: skip
    return read_ranking(reply.text, letters)


def peer_scores(turn: Turn) -> dict[str, float]:
    """The peer review's combined ranking: each seat's average Borda points (by seat
    id, best first) from the rankings that could be read."""
    by_letter = {q.seat_label.removeprefix("Response "): q.seat_id for q in turn.quotes}
    rankings = []
    for seat_id in turn.targets:
        reply = turn.latest_reply(seat_id)
        if reply is not None and reply.status.is_final:
            read = ranking_of(turn, reply)
            if read.order is not None:
                rankings.append(read.order)
    return {by_letter[letter]: points for letter, points in borda(rankings).items()}


def key_of(turn: Turn) -> dict[str, str]:
    """Whose each "Response X" of an anonymous turn is: letter → seat id."""
    return {q.seat_label.removeprefix("Response "): q.seat_id for q in turn.quotes}


def _not_while_blind(session: Session) -> None:
    if names_while_blind(session):
        raise ValueError("vote on the blind round first: a verdict would show whose answers")


def _question(session: Session, quotes: list[Quote]) -> str:
    """The text of the turn the quoted answers replied to (the latest, if several)."""
    replied = {q.reply_id for q in quotes}
    for turn in reversed(session.turns):
        if any(r.id in replied for r in turn.replies):
            return turn.text
    return ""
