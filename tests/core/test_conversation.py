"""Each seat's messages come only from what was addressed to it."""

from __future__ import annotations

from desktop.core.records.model import Quote, Reply, ReplyStatus, Seat, Session, Turn, TurnKind
from desktop.core.session.conversation import (
    attachment_ids_in,
    latest_quotes,
    messages_for,
    user_text_for,
)


def _session() -> tuple[Session, Seat, Seat, Seat]:
    a, b, c = Seat("A", "m/a", system_prompt="You are A."), Seat("B", "m/b"), Seat("C", "m/c")
    return Session(seats=[a, b, c]), a, b, c


def _answered(turn: Turn, **texts: str) -> Turn:
    turn.replies = [
        Reply(seat_id, status=ReplyStatus.COMPLETE, text=t) for seat_id, t in texts.items()
    ]
    return turn


def test_a_seat_sees_its_system_prompt_its_turns_and_only_its_own_replies() -> None:
    session, a, b, c = _session()
    first = _answered(
        Turn(TurnKind.PROMPT, "Q1", [a.id, b.id, c.id]), **{a.id: "A1", b.id: "B1", c.id: "C1"}
    )
    only_b = _answered(Turn(TurnKind.FOLLOW_UP, "just B", [b.id]), **{b.id: "B2"})
    now = Turn(TurnKind.FOLLOW_UP, "Q3", [a.id, b.id, c.id])
    session.turns = [first, only_b, now]

    assert messages_for(session, a.id, now) == [
        {"role": "system", "content": "You are A."},
        {"role": "user", "content": "Q1"},
        {"role": "assistant", "content": "A1"},
        {"role": "user", "content": "Q3"},
    ]
    assert messages_for(session, b.id, now) == [
        {"role": "user", "content": "Q1"},
        {"role": "assistant", "content": "B1"},
        {"role": "user", "content": "just B"},
        {"role": "assistant", "content": "B2"},
        {"role": "user", "content": "Q3"},
    ]


def test_the_latest_retry_is_the_history_and_empty_failures_merge_user_turns() -> None:
    session, a, _, _ = _session()
    first = Turn(TurnKind.PROMPT, "Q1", [a.id])
    first.replies = [
        Reply(a.id, status=ReplyStatus.ERROR, text=""),
    ]
    second = Turn(TurnKind.FOLLOW_UP, "Q2", [a.id])
    second.replies = [
        Reply(a.id, status=ReplyStatus.COMPLETE, text="old"),
        Reply(a.id, status=ReplyStatus.COMPLETE, text="retried", retry_of="x"),
    ]
    third = Turn(TurnKind.FOLLOW_UP, "Q3", [a.id])
    session.turns = [first, second, third]
    assert messages_for(session, a.id, third)[1:] == [
        {"role": "user", "content": "Q1\n\nQ2"},
        {"role": "assistant", "content": "retried"},
        {"role": "user", "content": "Q3"},
    ]


def test_quotes_are_labelled_and_a_seat_never_gets_its_own_answer_quoted() -> None:
    _, a, b, c = _session()
    turn = Turn(
        TurnKind.DEBATE_ROUND,
        "Debate!",
        [a.id, b.id, c.id],
        quotes=[Quote(a.id, "ra", "A", "A says"), Quote(b.id, "rb", "B", "B says")],
    )
    assert user_text_for(turn, c.id) == (
        "Debate!\n\n[Answer from A]\nA says\n[End of answer from A]"
        "\n\n[Answer from B]\nB says\n[End of answer from B]"
    )
    assert "A says" not in user_text_for(turn, a.id)
    assert "B says" in user_text_for(turn, a.id)


def test_latest_quotes_take_each_seats_most_recent_answer_with_text() -> None:
    session, a, b, c = _session()
    first = _answered(
        Turn(TurnKind.PROMPT, "Q", [a.id, b.id, c.id]), **{a.id: "A1", b.id: "B1", c.id: ""}
    )
    second = _answered(Turn(TurnKind.FOLLOW_UP, "Q2", [a.id]), **{a.id: "A2"})
    session.turns = [first, second]
    quotes = latest_quotes(session, [a.id, b.id, c.id])
    assert [(q.seat_label, q.text) for q in quotes] == [("A", "A2"), ("B", "B1")]


def _ref(attachment_id: str) -> dict[str, str]:
    return {"type": "roundtable_attachment", "attachment_id": attachment_id}


def test_attachments_come_before_the_text_and_stay_in_the_history() -> None:
    session, a, b, _ = _session()
    first = _answered(
        Turn(TurnKind.PROMPT, "Read this", [a.id, b.id], attachment_ids=["paper", "fig"]),
        **{a.id: "Done"},
    )
    # B's failed reply leaves two user messages in a row, which are merged.
    first.replies.append(Reply(b.id, status=ReplyStatus.ERROR))
    now = Turn(TurnKind.FOLLOW_UP, "And this?", [a.id, b.id], attachment_ids=["notes"])
    session.turns = [first, now]

    a_messages = messages_for(session, a.id, now)
    assert a_messages[1:] == [
        {
            "role": "user",
            "content": [_ref("paper"), _ref("fig"), {"type": "text", "text": "Read this"}],
        },
        {"role": "assistant", "content": "Done"},
        {"role": "user", "content": [_ref("notes"), {"type": "text", "text": "And this?"}]},
    ]
    assert messages_for(session, b.id, now) == [
        {
            "role": "user",
            "content": [
                _ref("paper"),
                _ref("fig"),
                {"type": "text", "text": "Read this"},
                _ref("notes"),
                {"type": "text", "text": "And this?"},
            ],
        }
    ]
    assert attachment_ids_in(a_messages) == ["paper", "fig", "notes"]


def test_a_turn_of_only_attachments_has_no_empty_text_part() -> None:
    session, a, _, _ = _session()
    turn = Turn(TurnKind.PROMPT, "", [a.id], attachment_ids=["x"])
    session.turns = [turn]
    assert messages_for(session, a.id, turn)[-1] == {"role": "user", "content": [_ref("x")]}
