"""The chair and the peer review against the fake server, through the worker: what each
model is sent (the request log) holds no seat label or model id when anonymised, the
key in the transcript maps each letter back, and no seat is shown its own answer."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from desktop.core.records.model import ChairMode, Seat, Session, TurnKind
from desktop.core.session import verdict_turns
from desktop.core.session.document import SessionDocument
from desktop.core.session.verdict_turns import key_of, peer_scores, ranking_of
from desktop.core.transcript import load_session
from desktop.providers.worker_client import WorkerGateway
from tests.conftest import seat_for, subprocess_env
from tests.fakes.provider_server import FakeProviderServer, Stream

pytestmark = pytest.mark.asyncio(loop_scope="module")

ANSWERS = {
    "claude-verdict": "Claude's take: the hinge makes it a taco.",
    "gpt-verdict": "GPT's take: bread on two sides, a sandwich.",
    "gemini-verdict": "Gemini's take: neither; it is its own thing.",
}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def worker() -> AsyncIterator[WorkerGateway]:
    gateway = WorkerGateway(env=subprocess_env())
    yield gateway
    await gateway.aclose()


def table(fake: FakeProviderServer) -> list[Seat]:
    return [
        seat_for(fake, "anthropic", "claude-verdict", "Claude Sonnet"),
        seat_for(fake, "openai", "gpt-verdict", "ChatGPT"),
        seat_for(fake, "gemini", "gemini-verdict", "Gemini Pro"),
    ]


async def answered(fake: FakeProviderServer, worker: WorkerGateway) -> SessionDocument:
    seats = table(fake)
    for model, text in ANSWERS.items():
        fake.script(model, Stream(text=text))
    document = SessionDocument(worker, Session(seats=seats))
    await document.send("Is a hot dog a sandwich?")
    return document


@pytest.mark.parametrize("mode", list(ChairMode))
async def test_an_anonymised_chair_is_sent_no_label_or_model_and_the_key_maps_back(
    fake: FakeProviderServer, worker: WorkerGateway, mode: ChairMode, tmp_path: Path
) -> None:
    document = await answered(fake, worker)
    chair = seat_for(fake, "openai", f"chair-{mode.value}", "The chair")
    chair.chair = True
    document.session.seats.append(chair)
    fake.script(chair.model.split("/")[1], Stream(text="| claim | A | B | C |\n|---|---|---|---|"))
    instruction = "Who is most convincing?" if mode is ChairMode.CUSTOM else ""
    turn = verdict_turns.chair(document.session, chair.id, mode, instruction=instruction)
    await document.run(document.append(turn))
    sent = fake.requests(chair.model.split("/")[1])[-1]
    body = json.dumps(sent.body)
    for seat in document.session.active_seats:
        assert seat.label not in body, f"{seat.label} named to the chair"
        assert seat.model.split("/")[1] not in body, "a model id sent to the chair"
    turn = document.session.turns[-1]
    assert (turn.kind, turn.mode, turn.anonymous) == (TurnKind.CHAIR, mode, True)
    message = sent.user_texts()[-1]
    for letter, seat_id in key_of(turn).items():
        answer = document.session.turns[0].latest_reply(seat_id)
        assert answer is not None
        block = message.split(f"[Answer from Response {letter}]\n")[1].split("\n[End")[0]
        assert block == answer.text, f"Response {letter} is {seat_id}'s answer"
    assert "Is a hot dog a sandwich?" in message, "the chair is told the question"
    path = tmp_path / "s.json"
    await document.save(path)
    kept = load_session(path).session
    assert key_of(kept.turns[-1]) == key_of(turn), "the key is kept in the transcript"
    assert kept.seats[-1].chair
    assert [s.label for s in kept.active_seats] == ["Claude Sonnet", "ChatGPT", "Gemini Pro"]


async def test_a_chair_at_the_table_reads_the_others_not_itself(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    document = await answered(fake, worker)
    claude = document.session.seats[0]
    await document.run(document.append(verdict_turns.chair(document.session, claude.id)))
    message = fake.requests("claude-verdict")[-1].user_texts()[-1]
    assert ANSWERS["claude-verdict"] not in message
    assert ANSWERS["gpt-verdict"] in message
    assert ANSWERS["gemini-verdict"] in message


async def test_a_peer_review_never_shows_a_seat_its_own_answer_and_reads_the_rankings(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    document = await answered(fake, worker)
    session = document.session
    turn = document.append(verdict_turns.peer_review(document.session))
    letters = {seat_id: letter for letter, seat_id in key_of(turn).items()}
    claude, gpt, gemini = (s.id for s in session.seats)
    # Each ranks the other two: Claude puts Gemini first, the others Claude first.
    rankings = {
        "claude-verdict": (gemini, gpt),
        "gpt-verdict": (claude, gemini),
        "gemini-verdict": (claude, gpt),
    }
    for model, order in rankings.items():
        written = "\n".join(f"{n}. Response {letters[s]}" for n, s in enumerate(order, 1))
        fake.script(model, Stream(text=f"Both have merit.\n\n**FINAL RANKING:**\n{written}"))
    await document.run(turn)
    for seat in session.seats:
        model = seat.model.split("/")[1]
        message = fake.requests(model)[-1].user_texts()[-1]
        assert ANSWERS[model] not in message, f"{seat.label} was shown its own answer"
        assert f"[Answer from Response {letters[seat.id]}]" not in message
        others = [a for m, a in ANSWERS.items() if m != model]
        assert all(a in message for a in others)
        assert seat.label not in json.dumps(fake.requests(model)[-1].body).split("Is a hot dog")[-1]
    for reply in turn.replies:
        read = ranking_of(turn, reply)
        assert read.order is not None, read.problem
    assert peer_scores(turn) == {claude: 1.0, gemini: 0.5, gpt: 0.0}


async def test_a_peer_review_needs_three_answers(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    seats = table(fake)[:2]
    document = SessionDocument(worker, Session(seats=seats))
    await document.send("Q?")
    with pytest.raises(ValueError, match="at least three seats"):
        verdict_turns.peer_review(document.session)


async def test_the_letters_are_shuffled_and_follow_the_seed() -> None:
    from desktop.core.records.model import Quote
    from desktop.core.session.verdict_turns import anonymised

    quotes = [Quote(f"s{i}", f"r{i}", f"Seat {i}", f"text {i}") for i in range(6)]
    orders = {tuple(q.seat_id for q in anonymised(quotes, random.Random(n))) for n in range(20)}
    assert len(orders) > 1, "shuffled"
    first = anonymised(quotes, random.Random(3))
    assert [q.seat_label for q in first] == [f"Response {c}" for c in "ABCDEF"]
    assert first == anonymised(quotes, random.Random(3))
