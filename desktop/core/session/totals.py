"""What replies, turns, seats and the session have cost, in the words the window uses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from desktop.core.records.model import Reply, Session, Turn
from desktop.core.session.budget import spent
from desktop.core.utils.stamps import now


def _seconds(reply: Reply) -> tuple[float | None, float | None]:
    first = total = None
    if reply.started_at and reply.first_token_at:
        first = (reply.first_token_at - reply.started_at).total_seconds()
    if reply.started_at and reply.finished_at:
        total = (reply.finished_at - reply.started_at).total_seconds()
    return first, total


def reply_numbers(reply: Reply | None) -> str:
    """Tokens in/out, cost, time to first token and duration, for a pane's header."""
    if reply is None:
        return ""
    parts = []
    if reply.usage is not None:
        tokens_in = "?" if reply.usage.prompt_tokens is None else f"{reply.usage.prompt_tokens:,}"
        tokens_out = (
            "?" if reply.usage.completion_tokens is None else f"{reply.usage.completion_tokens:,}"
        )
        thinking = reply.usage.reasoning_tokens
        # The thinking is part of the output (and priced as output): said apart, in it.
        of_which = f" ({thinking:,} thinking)" if thinking else ""
        parts.append(f"{tokens_in} in · {tokens_out} out{of_which}")
        searches, fee = reply.usage.web_searches, reply.usage.search_fee_usd
        if searches or fee:
            said = (
                f"{searches:,} web search{'es' if searches != 1 else ''}"
                if searches
                else "web search"
            )
            parts.append(f"{said} (${fee:.4f})" if fee is not None else said)
    if reply.cost_usd is not None:
        # litellm's price includes the provider's search fees where it knows them.
        parts.append(f"${reply.cost_usd:.4f}")
    first, total = _seconds(reply)
    if first is not None:
        parts.append(f"first token {first:.1f} s")
    if total is not None and reply.status.is_final:
        parts.append(f"{total:.1f} s")
    return " · ".join(parts)


def cost_of(replies: Iterable[Reply]) -> str:
    """What ``replies`` cost together: "$0.0123", "$0.0123 + unknown" where a finished
    reply has no price (an unknown or local model), "cost unknown" when none has one,
    "$0.0000" when nothing was charged yet."""
    cost = 0.0
    unknown = False
    for reply in replies:
        if reply.cost_usd is None and reply.status.is_final and reply.usage is not None:
            unknown = True
        cost += reply.cost_usd or 0.0
    if unknown and cost == 0:
        return "cost unknown"
    return f"${cost:.4f}" + (" + unknown" if unknown else "")


def seat_cost(session: Session, seat_id: str) -> str:
    """What one seat's replies have cost over the whole session."""
    return cost_of(r for t in session.turns for r in t.replies if r.seat_id == seat_id)


def turn_cost(turn: Turn) -> str:
    """What one turn cost, every seat's reply together."""
    return cost_of(turn.replies)


def session_totals(session: Session) -> str:
    """Tokens in and out and the cost of every reply in the session, and of the last turn."""
    replies = [r for t in session.turns for r in t.replies]
    tokens_in = sum((r.usage.prompt_tokens or 0) for r in replies if r.usage is not None)
    tokens_out = sum((r.usage.completion_tokens or 0) for r in replies if r.usage is not None)
    line = f"Session: {tokens_in:,} tokens in · {tokens_out:,} out · {cost_of(replies)}"
    if len(session.turns) > 1:
        line += f" (last turn {turn_cost(session.turns[-1])})"
    if session.budget_usd is not None:
        over = " (over)" if spent(session) > session.budget_usd else ""
        line += f" of a ${session.budget_usd:.2f} budget{over}"
    return line


def thought_summary(reply: Reply, words: int, thinking: bool = False) -> str:
    """How long ``reply`` thought (so far, when ``thinking``) and how many words:
    "Thought for 34 s · 1,240 words" (the pane, the post)."""
    counted = f"{words:,} word{'s' if words != 1 else ''}"
    if reply.reasoning_started_at is None:  # kept without a time (an older file)
        return f"Thought · {counted}"
    end = reply.first_token_at or reply.finished_at or now()
    seconds = _whole_seconds(reply.reasoning_started_at, end)
    if thinking:
        return f"Thinking… {seconds} s · {counted}"
    return f"Thought for {seconds} s · {counted}"


def _whole_seconds(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))
