"""The words a pane shows for a reply and a turn: its state, the heading of each kind of
turn, what a turn was sent with, what to do about a failure, a vote's flag, the answer
with its citation markers. Plain text, no widgets."""

from __future__ import annotations

from desktop.core.evidence.web_sources import with_markers
from desktop.core.records.model import (
    Annotation,
    ErrorKind,
    Reply,
    ReplyStatus,
    Turn,
    TurnKind,
)

STATE_NAMES = {
    None: "idle",
    ReplyStatus.WAITING: "waiting",
    ReplyStatus.STREAMING: "streaming",
    ReplyStatus.COMPLETE: "done",
    ReplyStatus.STOPPED: "stopped",
    ReplyStatus.ERROR: "error",
}

TURN_HEADINGS = {
    TurnKind.PROMPT: "You asked",
    TurnKind.FOLLOW_UP: "You followed up",
    TurnKind.FORWARD: "You forwarded",
    TurnKind.DEBATE_ROUND: "Debate round",
    TurnKind.CHAIR: "You asked the chair",
    TurnKind.PEER_REVIEW: "Peer review",
}


def vote_flag(vote: Annotation) -> str:
    if vote.versus is None:
        return "🗳 best"
    return "🗳 tie" if vote.tie else "🗳 better"


def marked(reply: Reply) -> str:
    """The answer as drawn: with a ``[n]`` after each place it cites source n."""
    return with_markers(reply.text, reply.sources) if reply.sources else reply.text


def shown_user_text(
    turn: Turn,
    seat_id: str,
    whose: dict[str, str] | None = None,
    aliases: dict[str, str] | None = None,
) -> str:
    """What the pane shows of a turn: the text, and whose answers came with it (for an
    anonymised turn, the key: whose each letter is, by ``whose``, labels by seat id).
    ``aliases`` (a blind round's "Seat A", …) stand for seats' names wherever named.

    The quoted answers are in their own panes already; repeating them in full (as raw
    Markdown) buried the instruction and the reply under them.
    """
    names = {**(whose or {}), **(aliases or {})}
    labels = []
    for quote in turn.quotes:
        if quote.seat_id == seat_id:
            continue
        name = names.get(quote.seat_id)
        if turn.anonymous and name:
            labels.append(f"{quote.seat_label} ({name})")
        else:
            labels.append((aliases or {}).get(quote.seat_id, quote.seat_label))
    if not labels:
        return turn.text
    said = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
    answers = "the answer" if len(labels) == 1 else "the answers"
    return f"{turn.text}\n\nSent with {answers} of {said}."


def error_action(reply: Reply) -> str:
    """What the user can do about a failed reply, in a few words."""
    if reply.error is None:
        return ""
    kind = reply.error.kind
    if kind is ErrorKind.AUTH:
        return "Add or fix the API key, then Retry."
    if kind is ErrorKind.RATE_LIMITED:
        wait = reply.error.retry_after
        return f"Wait {wait:g} s, then Retry." if wait else "Wait a little, then Retry."
    if kind is ErrorKind.CONTEXT_TOO_LONG:
        return "Shorten the prompt or attachments."
    if kind is ErrorKind.NETWORK and reply.text:
        return "Retry, or Continue from the text kept."
    return "Retry."
