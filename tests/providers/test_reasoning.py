"""A model's reasoning (its "thinking") streamed in each provider's wire format, through
the real litellm and the provider worker, kept apart from the answer, counted apart in
usage, and never sent to another seat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from desktop.core.records.events import Channel, Finished, TextDelta, UsageReport
from desktop.core.records.model import Session
from desktop.core.session import turns
from desktop.core.session.document import SessionDocument
from desktop.core.transcript import load_session
from desktop.providers.worker_client import WorkerGateway
from tests.conftest import seat_for, subprocess_env
from tests.fakes.provider_server import FakeProviderServer, Stream, WireFormat
from tests.providers.helpers import collect, reasoning_of, request_for, text_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

WIRES: list[WireFormat] = ["openai", "anthropic", "gemini", "ollama"]
THOUGHT = "The user asks about bread. A hinged bun is one piece; is that two sides?"
ANSWER = "Yes: a sandwich, by the hinge rule."


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def worker() -> AsyncIterator[WorkerGateway]:
    gateway = WorkerGateway(env=subprocess_env())
    yield gateway
    await gateway.aclose()


@pytest.mark.parametrize("wire", WIRES)
async def test_thinking_streams_apart_from_the_answer_through_the_worker(
    fake: FakeProviderServer, worker: WorkerGateway, wire: WireFormat
) -> None:
    seat = seat_for(fake, wire, f"thinker-{wire}")
    fake.script(f"thinker-{wire}", Stream(text=ANSWER, thinking=THOUGHT, chunks=6))
    events = await collect(worker, request_for(seat.model, seat.api_base))
    assert reasoning_of(events) == THOUGHT
    assert text_of(events) == ANSWER
    deltas = [e for e in events if isinstance(e, TextDelta)]
    first_answer = next(i for i, e in enumerate(deltas) if e.channel is Channel.ANSWER)
    assert all(e.channel is Channel.REASONING for e in deltas[:first_answer]), "thought first"
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.finish_reason == "stop"
    if wire == "gemini":  # the one wire here that counts thought tokens itself
        [usage] = [e for e in events if isinstance(e, UsageReport)]
        assert usage.reasoning_tokens == 60


async def test_thinking_is_kept_with_the_reply_and_never_sent_to_another_seat(
    fake: FakeProviderServer, worker: WorkerGateway, tmp_path: Path
) -> None:
    thinker, plain = seat_for(fake, "anthropic", "deep"), seat_for(fake, "openai", "plain")
    document = SessionDocument(worker, Session(seats=[thinker, plain]))
    fake.script("deep", Stream(text=ANSWER, thinking=THOUGHT))
    fake.script("plain", Stream(text="No: a taco."))
    await document.send("Is a hot dog a sandwich?")
    reply = document.session.turns[0].replies[0]
    assert (reply.reasoning, reply.text, reply.finish_reason) == (THOUGHT, ANSWER, "stop")
    [seal] = reply.reasoning_blocks  # Anthropic's signature on the thinking, kept as given
    assert (seal.kind, seal.signature) == ("thinking", "EqQBCgIYAhIMfakeSignature==")
    assert reply.reasoning_started_at is not None
    assert reply.first_token_at is not None
    assert reply.reasoning_started_at <= reply.first_token_at

    fake.script("deep", Stream(text="Still a sandwich."))
    fake.script("plain", Stream(text="Still a taco."))
    await document.run(document.append(turns.debate_round(document.session)))
    for model in ("deep", "plain"):
        sent = str(fake.requests(model)[-1].body)
        assert ANSWER in sent or model == "deep", "the answer is quoted to the other seat"
        assert "hinged bun is one piece" not in sent, f"{model} was sent the thought"

    path = tmp_path / "s.json"
    await document.save(path)
    again = load_session(path).session.turns[0].replies[0]
    assert (again.reasoning, again.finish_reason) == (THOUGHT, "stop")
    assert again.reasoning_blocks == reply.reasoning_blocks


async def test_a_responses_api_model_streams_the_summary_of_its_thinking_through_the_worker(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    # gpt-5.5-pro is one of the models litellm's data sends to the Responses API.
    fake.script("gpt-5.5-pro", Stream(text=ANSWER, thinking=THOUGHT, chunks=5))
    seat = seat_for(fake, "responses", "gpt-5.5-pro")
    request = request_for(seat.model, seat.api_base, reasoning_effort="high")
    events = await collect(worker, request)
    sent = fake.requests("gpt-5.5-pro")[-1]
    assert sent.path == "/v1/responses"
    assert sent.body["reasoning"]["effort"] == "high"
    assert sent.body["reasoning"]["summary"], "the summary of its thinking asked for"
    assert reasoning_of(events).strip() == THOUGHT
    assert text_of(events) == ANSWER
    [usage] = [e for e in events if isinstance(e, UsageReport)]
    assert (usage.prompt_tokens, usage.completion_tokens, usage.reasoning_tokens) == (12, 34, 50)
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.finish_reason == "stop"
