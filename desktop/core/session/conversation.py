"""Who is sent what: each seat's messages, derived only from what was addressed to it.

A seat sees its system prompt, the turns whose targets include it, and its own replies;
never another seat's answer unless the user forwarded it or ran a debate round, and then
the forwarded text is part of the turn (a :class:`Quote`, with provenance) so the
transcript shows exactly who saw what.
"""

from __future__ import annotations

import copy
from typing import Any

from desktop.core.evidence.web_sources import cited_within, source_line, with_markers
from desktop.core.records.events import ATTACHMENT_PART, Message, attachment_part
from desktop.core.records.model import Quote, ReplyStatus, Session, Turn, TurnKind

# A message's content: plain text, or a list of parts when it carries attachments.
Content = str | list[dict[str, Any]]

DEFAULT_DEBATE_INSTRUCTION = (
    "Here are the other assistants' answers to the same conversation. Where do you "
    "disagree with them, and why? Keep what you still stand by, concede what they got "
    "right, and correct anything you now think you got wrong. Be specific."
)

DEFAULT_FORWARD_INSTRUCTION = "What do you think of this answer from another assistant?"

# Turns whose replies weigh the answers rather than answer the question.
VERDICT_KINDS = frozenset({TurnKind.CHAIR, TurnKind.PEER_REVIEW})


def quote_block(quote: Quote) -> str:
    """A quoted answer, labelled with the seat that wrote it: its reasoning first when
    the user chose to send it, the answer with a ``[n]`` marker where it cites source n,
    and that seat's sources under it."""
    who = quote.seat_label
    lines = [f"[Answer from {who}]"]
    if quote.reasoning:
        lines += [f"[{who}'s reasoning before answering]", quote.reasoning,
                  f"[End of {who}'s reasoning]"]  # fmt: skip
    lines.append(with_markers(quote.text, quote.sources))
    if quote.sources:
        lines.append(f"[{who}'s sources]")
        lines += [source_line(n, source) for n, source in enumerate(quote.sources, 1)]
    lines.append(f"[End of answer from {who}]")
    return "\n".join(lines)


def user_text_for(turn: Turn, seat_id: str) -> str:
    """The user message this seat receives for ``turn``.

    A seat is never shown its own answer as a quote: it already has it in its history.
    """
    blocks = [quote_block(q) for q in turn.quotes if q.seat_id != seat_id]
    if not blocks:
        return turn.text
    return "\n\n".join([turn.text, *blocks]) if turn.text else "\n\n".join(blocks)


def user_content_for(turn: Turn, seat_id: str) -> Content:
    """The user message content for ``turn``: its text, after its attachments if any.

    Attachments come first (the order providers recommend for documents and images),
    each as an :func:`~desktop.core.records.events.attachment_part`.
    """
    text = user_text_for(turn, seat_id)
    if not turn.attachment_ids:
        return text
    parts: list[dict[str, Any]] = [attachment_part(a) for a in turn.attachment_ids]
    if text:
        parts.append({"type": "text", "text": text})
    return parts


def messages_for(session: Session, seat_id: str, turn: Turn) -> list[Message]:
    """The exact messages sent to ``seat_id`` for ``turn``, in chat-completions form.

    History is every earlier turn addressed to the seat (with its attachments) and the
    seat's latest reply to it. A failed reply with no text leaves its turn without an
    answer; consecutive user messages are merged so that every provider accepts the
    sequence.
    """
    seat = session.seat(seat_id)
    messages: list[Message] = []
    if seat.system_prompt:
        messages.append({"role": "system", "content": seat.system_prompt})
    for earlier in session.turns:
        if earlier.id == turn.id:
            break
        if seat_id not in earlier.targets:
            continue
        _append(messages, "user", user_content_for(earlier, seat_id))
        reply = earlier.latest_reply(seat_id)
        if reply is not None and reply.text and reply.status is not ReplyStatus.WAITING:
            _append(messages, "assistant", reply.text)
    _append(messages, "user", user_content_for(turn, seat_id))
    return messages


def attachment_ids_in(messages: list[Message]) -> list[str]:
    """The attachments the messages refer to, each once, in order of appearance."""
    found: dict[str, None] = {}
    for message in messages:
        content = message["content"]
        if isinstance(content, list):
            for part in content:
                if part.get("type") == ATTACHMENT_PART:
                    found.setdefault(part["attachment_id"])
    return list(found)


def _append(messages: list[Message], role: str, content: Content) -> None:
    if messages and messages[-1]["role"] == role:
        messages[-1] = {"role": role, "content": _merge(messages[-1]["content"], content)}
    else:
        messages.append({"role": role, "content": content})


def _merge(first: Content, second: Content) -> Content:
    if isinstance(first, str) and isinstance(second, str):
        return f"{first}\n\n{second}"
    return [*_parts(first), *_parts(second)]


def _parts(content: Content) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    return content


def latest_quotes(
    session: Session, seat_ids: list[str], with_reasoning: bool = False
) -> list[Quote]:
    """Each seat's latest answer with text, for a debate round, with its sources (and
    its reasoning when ``with_reasoning``: the user chose to send the thinking too). A
    verdict (a chair's, a seat's peer review) is no answer to the question: passed over."""
    quotes: list[Quote] = []
    for seat_id in seat_ids:
        for turn in reversed(session.turns):
            if turn.kind in VERDICT_KINDS:
                continue
            reply = turn.latest_reply(seat_id)
            if reply is not None and reply.text:
                quotes.append(forward_quote(session, reply.id, with_reasoning=with_reasoning))
                break
    return quotes


def forward_quote(
    session: Session, reply_id: str, excerpt: str | None = None, with_reasoning: bool = False
) -> Quote:
    """A quote of a reply (or of an excerpt of it) for forwarding to other seats: its
    sources go with it (for an excerpt, those cited within it), its reasoning only when
    ``with_reasoning``."""
    _, reply = session.find_reply(reply_id)
    label = session.seat(reply.seat_id).label
    reasoning = reply.reasoning if with_reasoning else ""
    if excerpt is None:
        sources = copy.deepcopy(reply.sources)
        return Quote(reply.seat_id, reply.id, label, reply.text, sources, reasoning)
    start = reply.text.find(excerpt)
    if start < 0:
        raise ValueError("the excerpt is not part of that reply")
    sources = cited_within(reply.sources, start, start + len(excerpt))
    return Quote(reply.seat_id, reply.id, label, excerpt, sources, reasoning)
