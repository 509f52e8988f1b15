"""A session's budget: typed amounts read, what was spent, what a send will likely cost
(each target seat's latest priced reply), and the warning when that passes the budget."""

from __future__ import annotations

import pytest

from desktop.core.session.budget import likely_cost, parse_budget, spent, warning
from tests.core.test_post import session_of


def test_typed_budgets_are_read_or_refused_plainly() -> None:
    assert parse_budget("5") == 5.0
    assert parse_budget(" $2.50 ") == 2.5
    assert parse_budget("1,000") == 1000.0
    assert parse_budget("") is None
    for bad in ("five", "-1", "0", "nan", "1e9", "inf"):
        with pytest.raises(ValueError, match=r"dollars|more than"):
            parse_budget(bad)


def test_a_send_that_would_likely_pass_the_budget_is_warned_about() -> None:
    session = session_of("Claude", "GPT")
    claude, gpt = session.seats
    session.turns[0].replies[0].cost_usd = 0.30
    session.turns[0].replies[1].cost_usd = None  # not priced: not counted, and said so
    assert spent(session) == 0.30
    assert likely_cost(session, [claude.id, gpt.id]) == (0.30, 1)
    assert warning(session, [claude.id]) is None, "no budget, no warning"
    session.budget_usd = 1.00
    assert warning(session, [claude.id]) is None, "0.30 + 0.30 is within 1.00"
    session.budget_usd = 0.50
    said = warning(session, [claude.id, gpt.id])
    assert said is not None
    assert "$0.3000 of its $0.50 budget" in said
    assert "1 seat not counted" in said
    assert warning(session, [gpt.id]) is None, "nothing to go by for GPT: no guess"
