"""What a session has cost so far, as the status bar says it."""

from __future__ import annotations

from desktop.core.model import Session


def session_totals(session: Session) -> str:
    """Tokens in and out and the cost of every reply in the session."""
    tokens_in = tokens_out = 0
    cost = 0.0
    unknown_cost = False
    for turn in session.turns:
        for reply in turn.replies:
            if reply.usage is not None:
                tokens_in += reply.usage.prompt_tokens or 0
                tokens_out += reply.usage.completion_tokens or 0
            if reply.cost_usd is None and reply.status.is_final and reply.usage is not None:
                unknown_cost = True
            cost += reply.cost_usd or 0.0
    if unknown_cost and cost == 0:
        cost_text = "cost unknown"
    else:
        cost_text = f"${cost:.4f}" + (" + unknown" if unknown_cost else "")
    line = f"Session: {tokens_in:,} tokens in · {tokens_out:,} out · {cost_text}"
    if session.budget_usd is not None:
        over = " (over)" if cost > session.budget_usd else ""
        line += f" of a ${session.budget_usd:.2f} budget{over}"
    return line
