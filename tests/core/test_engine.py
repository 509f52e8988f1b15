"""The document end to end against the fake server, through both gateway implementations.

Every test runs twice: with the in-process litellm gateway (the CLI's) and through the
provider worker process (the window's).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from desktop.core.records.changes import Change, ReplyChanged
from desktop.core.records.events import Gateway
from desktop.core.records.model import ErrorKind, ReplyStatus, Seat, Session, Turn
from desktop.core.session import turns
from desktop.core.session.document import SessionDocument
from desktop.core.transcript import load_session, save_session
from tests.conftest import TEST_KEYS, seat_for
from tests.fakes.provider_server import Fail, FakeProviderServer, Stream
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")


def three_seats(fake: FakeProviderServer) -> tuple[Session, Seat, Seat, Seat]:
    a = seat_for(fake, "openai", "seat-a", "Alpha (OpenAI)")
    b = seat_for(fake, "anthropic", "seat-b", "Beta (Anthropic)")
    c = seat_for(fake, "gemini", "seat-c", "Gamma (Gemini)")
    return Session(seats=[a, b, c]), a, b, c


def texts(turn: Turn) -> dict[str, str]:
    return {r.seat_id: r.text for r in turn.replies}


async def test_three_seats_on_three_wire_formats_answer_concurrently(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    session, a, b, c = three_seats(fake)
    for name in ("seat-a", "seat-b", "seat-c"):
        fake.script(name, Stream(text=f"{name} thinks so.", chunks=6, delay=0.08))
    requests_when_first_finished: list[int] = []

    def changed(change: Change) -> None:
        if not isinstance(change, ReplyChanged):
            return
        done = [r for r in change.turn.replies if r.status.is_final]
        if len(done) == 1 and not requests_when_first_finished:
            requests_when_first_finished.append(len(fake.requests()))

    document = SessionDocument(gateway, session)
    document.subscribe(changed)
    turn = await document.send("Is a hot dog a sandwich?")

    assert texts(turn) == {
        a.id: "seat-a thinks so.",
        b.id: "seat-b thinks so.",
        c.id: "seat-c thinks so.",
    }
    assert all(r.status is ReplyStatus.COMPLETE for r in turn.replies)
    # Every request was in flight before any reply finished: they ran at once.
    assert requests_when_first_finished == [3]
    for reply in turn.replies:
        assert reply.usage is not None
        assert reply.usage.completion_tokens == 34
        assert reply.started_at is not None
        assert reply.first_token_at is not None
        assert reply.finished_at is not None
        assert reply.started_at <= reply.first_token_at <= reply.finished_at
        assert reply.model_reported is not None


async def test_a_follow_up_to_one_seat_sends_nothing_to_the_others(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    session, a, _, _ = three_seats(fake)
    document = SessionDocument(gateway, session)
    await document.send("First question")
    turn = await document.send("Here's my less diplomatic take: no.", targets=[a.id])

    assert [r.seat_id for r in turn.replies] == [a.id]
    assert len(fake.requests("seat-a")) == 2
    assert len(fake.requests("seat-b")) == 1
    assert len(fake.requests("seat-c")) == 1
    assert fake.requests("seat-a")[1].conversation() == [
        ("user", "First question"),
        ("assistant", "Echo: First question"),
        ("user", "Here's my less diplomatic take: no."),
    ]


async def test_a_forward_sends_exactly_the_labelled_reply(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    session, a, b, c = three_seats(fake)
    fake.script("seat-a", Stream(text="Alpha's considered view."))
    document = SessionDocument(gateway, session)
    first = await document.send("Question")
    source = first.latest_reply(a.id)
    assert source is not None
    turn = await document.run(
        document.append(
            turns.forward(document.session, source.id, [b.id, c.id], "What do you make of this?")
        )
    )

    expected = (
        "What do you make of this?\n\n[Answer from Alpha (OpenAI)]\nAlpha's considered view.\n"
        "[End of answer from Alpha (OpenAI)]"
    )
    for name in ("seat-b", "seat-c"):
        conversation = fake.requests(name)[-1].conversation()
        assert conversation[-1] == ("user", expected)
        assert conversation[:-1] == [("user", "Question"), ("assistant", "Echo: Question")]
    assert len(fake.requests("seat-a")) == 1
    assert [(q.seat_id, q.reply_id, q.seat_label) for q in turn.quotes] == [
        (a.id, source.id, "Alpha (OpenAI)")
    ]


async def test_a_debate_round_shows_each_seat_the_others_answers(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    session, *_ = three_seats(fake)
    for name in ("seat-a", "seat-b", "seat-c"):
        fake.script(name, Stream(text=f"{name}'s answer"))
    document = SessionDocument(gateway, session)
    await document.send("Question")
    await document.run(
        document.append(turns.debate_round(document.session, instruction="Rebut them."))
    )

    def block(label: str, name: str) -> str:
        return f"[Answer from {label}]\n{name}'s answer\n[End of answer from {label}]"

    assert fake.requests("seat-a")[-1].user_texts()[-1] == (
        f"Rebut them.\n\n{block('Beta (Anthropic)', 'seat-b')}\n\n{block('Gamma (Gemini)', 'seat-c')}"
    )
    assert fake.requests("seat-b")[-1].user_texts()[-1] == (
        f"Rebut them.\n\n{block('Alpha (OpenAI)', 'seat-a')}\n\n{block('Gamma (Gemini)', 'seat-c')}"
    )
    assert fake.requests("seat-c")[-1].user_texts()[-1] == (
        f"Rebut them.\n\n{block('Alpha (OpenAI)', 'seat-a')}\n\n{block('Beta (Anthropic)', 'seat-b')}"
    )


async def test_retry_resends_exactly_the_same_messages(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    session, a, _, _ = three_seats(fake)
    fake.script("seat-a", Stream(text="first answer"))
    document = SessionDocument(gateway, session)
    await document.send("Question")
    fake.script(
        "seat-a", Fail(401, {"error": {"message": "key revoked", "type": "invalid_request_error"}})
    )
    turn = await document.send("Follow-up", targets=[a.id])
    failed = turn.replies[0]
    assert failed.status is ReplyStatus.ERROR

    retried = await document.retry(failed.id)
    assert retried.status is ReplyStatus.COMPLETE
    assert retried.retry_of == failed.id
    assert [r.id for r in turn.replies] == [failed.id, retried.id]
    first_try, second_try = fake.requests("seat-a")[-2:]
    assert first_try.body["messages"] == second_try.body["messages"]


async def test_one_seats_401_and_anothers_cut_leave_the_third_complete(
    fake: FakeProviderServer, gateway: Gateway, tmp_path: Path
) -> None:
    session, a, b, c = three_seats(fake)
    fake.script("seat-a", Stream(text="complete and correct", chunks=4, delay=0.05))
    fake.script(
        "seat-b",
        Fail(
            401,
            {
                "type": "error",
                "error": {"type": "authentication_error", "message": "invalid x-api-key"},
            },
        ),
    )
    fake.script("seat-c", Stream(text="this answer gets cut", chunks=5, cut_after=2))
    turn = await SessionDocument(gateway, session).send("Question")

    replies = {r.seat_id: r for r in turn.replies}
    assert replies[a.id].status is ReplyStatus.COMPLETE
    assert replies[a.id].text == "complete and correct"
    auth, cut = replies[b.id].error, replies[c.id].error
    assert replies[b.id].status is ReplyStatus.ERROR
    assert auth is not None
    assert auth.kind is ErrorKind.AUTH
    assert replies[c.id].status is ReplyStatus.ERROR
    assert cut is not None
    assert cut.kind is ErrorKind.NETWORK
    assert replies[c.id].text == "this answer gets cut"[:8]

    path = tmp_path / "session.json"
    save_session(session, path)
    assert load_session(path).session == session
    written = path.read_text(encoding="utf-8")
    assert "invalid x-api-key" in written
    for key in TEST_KEYS.values():
        assert key not in written
    saved = json.loads(written)
    assert [r["status"] for r in saved["turns"][0]["replies"]] == ["complete", "error", "error"]


async def test_a_slow_seat_never_delays_the_others_and_stop_keeps_its_text(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    session, a, b, _ = three_seats(fake)
    fake.script("seat-c", Stream(text="slow " * 200, chunks=200, delay=0.05))
    document = SessionDocument(gateway, session)
    turn = document.add_prompt("Question")
    running = asyncio.ensure_future(document.start(turn))

    def others_done() -> bool:
        return all(turn.latest_reply(s.id).status is ReplyStatus.COMPLETE for s in (a, b))  # type: ignore[union-attr]

    await eventually(
        lambda: others_done() and len(turn.replies[2].text) >= 10, what="the fast seats"
    )
    slow = turn.replies[2]
    assert slow.status is ReplyStatus.STREAMING
    assert document.stop(slow.id)
    await running
    assert turn.replies[2].status is ReplyStatus.STOPPED
    assert slow.text.startswith("slow slow")
    assert len(slow.text) < len("slow " * 200)
    await eventually(
        lambda: bool(fake.disconnects("seat-c")), what="the server to see the disconnect"
    )
