"""Building every kind of turn: prompt, follow-up, forward, debate round, continue, retry.

Each function checks what it is asked against the session and returns the new Turn (or
Reply) without changing anything; the session document appends it. One place decides
who is sent what, for the window and the CLI alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from desktop.core.attachments.limits import AttachmentLimits, check_turn_size
from desktop.core.records.model import Attachment, Quote, Reply, Session, Turn, TurnKind
from desktop.core.session import conversation
from desktop.core.verdicts.blinding import names_while_blind

CONTINUE_PROMPT = (
    "Your previous answer was cut off. Continue exactly where it stopped, without repeating "
    "what you already wrote."
)


def targets(session: Session, chosen: Iterable[str] | None) -> list[str]:
    """The seats a turn goes to: ``chosen`` in order (every seat at the table if None).

    Raises ValueError for a seat not at the table, or for no seat at all.
    """
    known = [seat.id for seat in session.active_seats]
    wanted = known if chosen is None else list(dict.fromkeys(chosen))
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise ValueError(f"no seat with id {unknown[0]!r} at this table")
    if not wanted:
        raise ValueError("a turn needs at least one target seat")
    return wanted


def _turn(
    session: Session,
    kind: TurnKind,
    text: str,
    chosen: Iterable[str] | None,
    quotes: Iterable[Quote] = (),
) -> Turn:
    turn = Turn(kind=kind, text=text, targets=targets(session, chosen), quotes=list(quotes))
    turn.replies = [Reply(seat_id=seat_id) for seat_id in turn.targets]
    return turn


def prompt(
    session: Session,
    text: str,
    chosen: Iterable[str] | None,
    attachments: Iterable[Attachment],
    limits: AttachmentLimits,
) -> tuple[Turn, list[Attachment]]:
    """The first prompt or a follow-up, with files; and the files as the session will
    keep them (a file already in the session is kept once).

    Raises AttachmentError when the files together are over ``limits``.
    """
    files = list(attachments)
    check_turn_size(files, limits)
    kind = TurnKind.FOLLOW_UP if session.turns else TurnKind.PROMPT
    turn = _turn(session, kind, text, chosen)
    kept = [_kept(session, a) for a in files]
    turn.attachment_ids = list(dict.fromkeys(a.id for a in kept))
    return turn, kept


def _kept(session: Session, attachment: Attachment) -> Attachment:
    """An earlier attachment with the same bytes and name (the same file attached
    again), else this one."""
    for kept in session.attachments:
        if kept.sha256 == attachment.sha256 and kept.name == attachment.name:
            return kept
    return attachment


def forward(
    session: Session,
    reply_id: str,
    chosen: Iterable[str],
    instruction: str = conversation.DEFAULT_FORWARD_INSTRUCTION,
    excerpt: str | None = None,
    with_reasoning: bool = False,
) -> Turn:
    """One seat's reply (or an excerpt of it) sent to other seats, with the user's words
    and its sources (its reasoning too when ``with_reasoning``)."""
    quote = conversation.forward_quote(session, reply_id, excerpt, with_reasoning)
    return _turn(session, TurnKind.FORWARD, instruction, chosen, _blinded(session, [quote]))


def debate_round(
    session: Session,
    chosen: Iterable[str] | None = None,
    instruction: str = conversation.DEFAULT_DEBATE_INSTRUCTION,
    with_reasoning: bool = False,
) -> Turn:
    """Each target seat gets the other seats' latest answers, with ``instruction`` (and
    their reasoning when ``with_reasoning``).

    Raises ValueError when a target seat would see no other seat's answer.
    """
    wanted = targets(session, chosen)
    seat_ids = [s.id for s in session.active_seats]
    quotes = _blinded(session, conversation.latest_quotes(session, seat_ids, with_reasoning))
    for seat_id in wanted:
        if not any(q.seat_id != seat_id for q in quotes):
            label = session.seat(seat_id).label
            raise ValueError(f"a debate round needs another seat's answer to show {label}")
    return _turn(session, TurnKind.DEBATE_ROUND, instruction, wanted, quotes)


def _blinded(session: Session, quotes: list[Quote]) -> list[Quote]:
    """Quotes labelled by the seats' blind names while a blind round awaits the vote."""
    names = names_while_blind(session)
    return [dataclasses.replace(q, seat_label=names.get(q.seat_id, q.seat_label)) for q in quotes]


def continue_after_cut(session: Session, reply_id: str) -> Turn:
    """Ask the seat whose answer was cut to go on from the text kept."""
    _, reply = session.find_reply(reply_id)
    kind = TurnKind.FOLLOW_UP
    return _turn(session, kind, CONTINUE_PROMPT, [reply.seat_id])


def retry(session: Session, reply_id: str) -> tuple[Turn, Reply]:
    """A new reply from the same seat to the same turn; the old one is kept.

    Raises ValueError while the reply is still streaming.
    """
    turn, old = session.find_reply(reply_id)
    if not old.status.is_final:
        raise ValueError("that reply is still streaming")
    return turn, Reply(seat_id=old.seat_id, retry_of=old.id)
