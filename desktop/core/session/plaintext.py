"""A session as plain text for a terminal (``roundtable show``)."""

from __future__ import annotations

from datetime import datetime

from desktop.core import attachments
from desktop.core.evidence.web_sources import source_line, sources_summary, with_markers
from desktop.core.records.model import (
    Annotation,
    AnnotationKind,
    Reply,
    ReplyStatus,
    Session,
    Turn,
    TurnKind,
)
from desktop.core.session import totals
from desktop.core.session.conversation import quote_block
from desktop.core.session.verdict_turns import key_of, peer_scores, ranking_of

_KIND_NAMES = {
    TurnKind.PROMPT: "Prompt",
    TurnKind.FOLLOW_UP: "Follow-up",
    TurnKind.FORWARD: "Forward",
    TurnKind.DEBATE_ROUND: "Debate round",
    TurnKind.CHAIR: "Chair",
    TurnKind.PEER_REVIEW: "Peer review",
}


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() if start is not None and end is not None else None


def reply_stats(reply: Reply) -> str:
    """One line of facts about a reply: status, timing, tokens, cost, model."""
    parts = [reply.status.value]
    first = _seconds(reply.started_at, reply.first_token_at)
    total = _seconds(reply.started_at, reply.finished_at)
    if first is not None:
        parts.append(f"first token {first:.1f} s")
    if total is not None and reply.status.is_final:
        parts.append(f"{total:.1f} s")
    if reply.usage is not None:
        tokens_in = "?" if reply.usage.prompt_tokens is None else f"{reply.usage.prompt_tokens:,}"
        tokens_out = (
            "?" if reply.usage.completion_tokens is None else f"{reply.usage.completion_tokens:,}"
        )
        parts.append(f"{tokens_in} → {tokens_out} tokens")
        if reply.usage.reasoning_tokens:
            parts.append(f"{reply.usage.reasoning_tokens:,} of them thinking")
        searches, fee = reply.usage.web_searches, reply.usage.search_fee_usd
        if searches:
            parts.append(f"{searches:,} web search{'es' if searches != 1 else ''}")
        if fee is not None:
            parts.append(f"search fees ${fee:.4f} of the cost")
    parts.append("cost unknown" if reply.cost_usd is None else f"${reply.cost_usd:.4f}")
    if reply.model_reported:
        parts.append(reply.model_reported)
    return ", ".join(parts)


def _turn_text(session: Session, turn: Turn, number: int) -> list[str]:
    seats = ", ".join(session.seat(s).label for s in turn.targets)
    if len(turn.targets) == len(session.seats) and len(session.seats) > 1:
        seats = "all seats"
    # A lone reply says its own cost; a turn with nothing priced has nothing to add.
    priced = len(turn.replies) > 1 and any(r.cost_usd is not None for r in turn.replies)
    cost = f" · {totals.turn_cost(turn)}" if priced else ""
    lines = [f"── Turn {number}: {_KIND_NAMES[turn.kind]} → {seats}{cost} " + "─" * 8, ""]
    if turn.text:
        lines += [turn.text, ""]
    for attachment_id in turn.attachment_ids:
        attachment = session.attachment(attachment_id)
        lines.append(f"📎 {attachment.name} — {attachments.describe(attachment)}")
    if turn.attachment_ids:
        lines.append("")
    for quote in turn.quotes:
        lines += [quote_block(quote), ""]
    if turn.anonymous:  # the key: whose each letter is (never sent to a model)
        key = " · ".join(f"{q.seat_label} = {_label(session, q.seat_id)}" for q in turn.quotes)
        lines += [f"🔑 {key}", ""]
    for reply in turn.replies:
        seat = session.seat(reply.seat_id)
        retry = " (retry)" if reply.retry_of else ""
        lines.append(f"▌ {seat.label}{retry} — {reply_stats(reply)}")
        lines.append(f"  reply {reply.id}")  # for `roundtable show --sent`
        # How this turn's files went to the seat (earlier turns' files were said there).
        for delivery in reply.deliveries:
            if delivery.attachment_id in turn.attachment_ids:
                name = session.attachment(delivery.attachment_id).name
                lines.append(f"  📎 {name}: {delivery.note}")
        if reply.reasoning.strip():  # what it thought first, set apart from the answer
            thought = reply.reasoning.strip().splitlines()
            words = len(reply.reasoning.split())
            lines += ["", f"  💭 Thinking ({words:,} words):", *(f"  │ {t}" for t in thought)]
        if reply.text:
            lines += ["", with_markers(reply.text, reply.sources).rstrip()]
        if reply.sources:
            lines += ["", f"  🔎 Sources ({sources_summary(reply.sources)}):"]
            lines += [f"  {source_line(n, s)}" for n, s in enumerate(reply.sources, 1)]
        if reply.status is ReplyStatus.ERROR and reply.error is not None:
            lines += ["", f"  ✗ {reply.error.kind.value}: {reply.error.message}"]
        if turn.kind is TurnKind.PEER_REVIEW and reply.status.is_final:
            lines += ["", f"  ⇅ {_ranking_line(session, turn, reply)}"]
        marks = [
            _vote_line(session, a)
            if a.kind is AnnotationKind.VOTE
            else annotation_line(a, reply.text)
            for a in session.annotations
            if a.target_id == reply.id
        ]
        lines += ["", *marks] if marks else []
        lines.append("")
    if turn.kind is TurnKind.PEER_REVIEW:
        scores = peer_scores(turn)
        said = ", ".join(f"{_label(session, s)} {points:g}" for s, points in scores.items())
        read = said or "no ranking could be read"
        lines += [f"Peer review, combined (average Borda points): {read}", ""]
    return lines


def _vote_line(session: Session, vote: Annotation) -> str:
    if vote.versus is None:
        return "  🗳 voted the best answer"
    try:
        other = _label(session, session.find_reply(vote.versus)[1].seat_id)
    except KeyError:
        other = "an answer not in the file"
    return f"  🗳 voted {'as good as' if vote.tie else 'better than'} {other}'s answer"


def _label(session: Session, seat_id: str) -> str:
    try:
        return session.seat(seat_id).label
    except KeyError:
        return "a seat not in the file"


def _ranking_line(session: Session, turn: Turn, reply: Reply) -> str:
    read = ranking_of(turn, reply)
    if read.order is None:
        return f"ranking not read: {read.problem}"
    whose = key_of(turn)
    return "ranked " + " > ".join(
        f"Response {letter} ({_label(session, whose.get(letter, ''))})" for letter in read.order
    )


_MARKS = {
    AnnotationKind.HIGHLIGHT: "✎ highlighted",
    AnnotationKind.COMMENT: "💬 comment",
    AnnotationKind.STAR: "★ starred",
    AnnotationKind.REACTION: "reaction",
    AnnotationKind.VOTE: "🗳 voted",
}


def annotation_line(annotation: Annotation, text: str = "") -> str:
    """One annotation, readable: what it is, the words it marks, its note."""
    words = annotation.exact
    if words is None and annotation.start is not None and annotation.end is not None:
        words = text[annotation.start : annotation.end]
    line = f"  {_MARKS[annotation.kind]}"
    if words:
        line += f" “{words}”"
    if annotation.note:
        line += f": {annotation.note}"
    return line


def render_session(session: Session) -> str:
    """The whole session, turn by turn, readable in a terminal."""
    title = session.title or "Untitled session"
    seats = "; ".join(f"{s.label} ({s.model})" for s in session.seats)
    lines = [
        title,
        "=" * len(title),
        f"Seats: {seats}",
        f"Created {session.created_at:%Y-%m-%d %H:%M} UTC",
        "",
    ]
    lines += [annotation_line(a) + f" on {s.label}" for s in session.seats for a in
              session.annotations if a.target_id == s.id]  # fmt: skip
    lines += [""] if lines[-1] else []
    for number, turn in enumerate(session.turns, 1):
        lines += _turn_text(session, turn, number)
    if session.turns:
        each = " · ".join(f"{s.label} {totals.seat_cost(session, s.id)}" for s in session.seats)
        lines += [f"Cost: {each}", totals.session_totals(session)]
    return "\n".join(lines).rstrip() + "\n"
