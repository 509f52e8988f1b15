"""A session's budget: what it has cost, what a send will likely cost, and whether that
passes the budget the author set (``Session.budget_usd``; None: no budget).

A send's likely cost is, for each seat it goes to, the cost of that seat's latest
priced reply: the history only grows, so a next answer costs at least about that. A seat
with no priced reply yet adds nothing to the guess (and the warning says so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.core.records.changes import SessionFactsChanged
from desktop.core.records.model import Session

if TYPE_CHECKING:
    from desktop.core.session.document import SessionDocument

MAX_BUDGET = 1_000_000.0


def parse_budget(typed: str) -> float | None:
    """A budget as typed ("5", "$2.50", "" for none); ValueError saying what is wrong."""
    text = typed.strip().removeprefix("$").replace(",", "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"“{typed.strip()[:40]}” is not an amount of dollars.") from None
    if not 0 < value <= MAX_BUDGET:  # NaN fails this too
        raise ValueError("A budget is more than $0 and at most $1,000,000.")
    return value


def set_budget(document: SessionDocument, value: float | None) -> None:
    """Make ``value`` the session's budget (the document is then unsaved)."""
    document.session.budget_usd = value
    document.edited(SessionFactsChanged())


def spent(session: Session) -> float:
    """What the session's replies have cost so far (the priced ones)."""
    return sum(r.cost_usd or 0.0 for t in session.turns for r in t.replies)


def likely_cost(session: Session, targets: list[str]) -> tuple[float, int]:
    """The likely cost of sending to ``targets``, and how many of them have no priced
    reply to go by."""
    total, unknown = 0.0, 0
    for seat_id in targets:
        priced = [
            r.cost_usd
            for t in session.turns
            for r in t.replies
            if r.seat_id == seat_id and r.cost_usd is not None and r.status.is_final
        ]
        if priced:
            total += priced[-1]
        else:
            unknown += 1
    return total, unknown


def warning(session: Session, targets: list[str]) -> str | None:
    """What to tell the author before a send that would likely pass the budget; None
    when there is no budget or the send stays within it."""
    budget = session.budget_usd
    if budget is None:
        return None
    so_far = spent(session)
    guess, unknown = likely_cost(session, targets)
    if so_far + guess <= budget:
        return None
    unpriced = (
        f" ({unknown} seat{'s' if unknown != 1 else ''} not counted: no price yet)"
        if unknown
        else ""
    )
    return (
        f"This session has cost ${so_far:.4f} of its ${budget:.2f} budget; this send will "
        f"likely cost about ${guess:.4f} more{unpriced}, which passes it."
    )
