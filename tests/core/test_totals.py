"""What replies, turns, seats and the session cost, as the window and `show` say it."""

from __future__ import annotations

from desktop.core.records.model import Reply, ReplyStatus, Turn, TurnKind, Usage
from desktop.core.session.plaintext import render_session
from desktop.core.session.totals import cost_of, seat_cost, session_totals, turn_cost
from tests.core.test_post import session_of


def test_costs_by_turn_seat_and_session_say_what_is_not_priced() -> None:
    session = session_of("Claude", "Llama")
    claude, llama = session.seats
    first = session.turns[0]
    first.replies[0].cost_usd = 0.0125
    first.replies[0].usage = Usage(100, 50)
    first.replies[1].usage = Usage(90, 40)  # a local model: litellm has no price
    second = Turn(TurnKind.FOLLOW_UP, "Blunter, please.", [claude.id])
    second.replies = [Reply(claude.id, status=ReplyStatus.COMPLETE, cost_usd=0.0031)]
    session.turns.append(second)

    assert turn_cost(first) == "$0.0125 + unknown"
    assert turn_cost(second) == "$0.0031"
    assert seat_cost(session, claude.id) == "$0.0156"
    assert seat_cost(session, llama.id) == "cost unknown"
    assert cost_of([]) == "$0.0000"
    assert session_totals(session) == (
        "Session: 190 tokens in · 90 out · $0.0156 + unknown (last turn $0.0031)"
    )
    session.budget_usd = 0.01
    assert session_totals(session).endswith("of a $0.01 budget (over)")

    shown = render_session(session)
    assert "── Turn 1: Prompt → all seats · $0.0125 + unknown ──" in shown
    assert "── Turn 2: Follow-up → Claude ──" in shown, "one reply: its own line says it"
    assert "Cost: Claude $0.0156 · Llama cost unknown" in shown
    assert shown.rstrip().endswith("of a $0.01 budget (over)")


def test_a_reply_still_streaming_is_not_yet_unknown() -> None:
    session = session_of("Claude")
    reply = session.turns[0].replies[0]
    reply.status, reply.usage = ReplyStatus.STREAMING, Usage(5, None)
    assert cost_of([reply]) == "$0.0000"


def test_a_replys_thinking_tokens_are_said_apart_within_its_output() -> None:
    from desktop.core.session.totals import reply_numbers

    reply = Reply("s", status=ReplyStatus.COMPLETE, usage=Usage(12, 1_340, 1_240), cost_usd=0.02)
    assert reply_numbers(reply).startswith("12 in · 1,340 out (1,240 thinking) · $0.0200")
    reply.usage = Usage(12, 100)
    assert reply_numbers(reply).startswith("12 in · 100 out · $0.0200")
    reply.usage = Usage(12, 100, web_searches=2)
    assert reply_numbers(reply).startswith("12 in · 100 out · 2 web searches · $0.0200")
    reply.usage = Usage(12, 100, web_searches=1, search_fee_usd=0.01)
    assert reply_numbers(reply).startswith("12 in · 100 out · 1 web search ($0.0100) · $0.0200")


def test_show_prints_what_a_seat_thought_set_apart_before_its_answer() -> None:
    session = session_of("Claude")
    reply = session.turns[0].replies[0]
    reply.reasoning = "Bread on two sides?\nA hinged bun is one piece."
    reply.text = "A sandwich."
    shown = render_session(session)
    thought = shown.index("  💭 Thinking (10 words):\n  │ Bread on two sides?\n  │ A hinged bun")
    assert thought < shown.index("A sandwich.")
