"""Web search and its sources in each provider's wire format, through the real litellm
and the provider worker: the seat's setting reaches the provider as litellm sends it,
and each answer keeps its sources, the places they are cited and the searches run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from desktop.core.records.events import SourcesFound, UsageReport
from desktop.core.records.model import SearchContext, Seat, Session
from desktop.core.session import turns
from desktop.core.session.document import SessionDocument
from desktop.core.transcript import load_session
from desktop.providers.worker_client import WorkerGateway
from tests.conftest import seat_for, subprocess_env
from tests.fakes.provider_server import Cite, FakeProviderServer, Stream, WireFormat
from tests.providers.helpers import collect, request_for, text_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

LEAD = "Deux choses — cette semaine, à Zürich 🇨🇭. "  # offsets past non-ASCII text
CITES = (
    Cite("https://example.org/bodies", "Found: the bodies", "The bodies were found in May."),
    Cite("https://news.example.com/a?utm=1", "Court rules", " A court ruled on it."),
)
ANSWER = LEAD + "".join(c.text for c in CITES)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def worker() -> AsyncIterator[WorkerGateway]:
    gateway = WorkerGateway(env=subprocess_env(PERPLEXITYAI_API_KEY="pplx-test-key"))
    yield gateway
    await gateway.aclose()


def searching_seat(fake: FakeProviderServer, wire: WireFormat, name: str) -> Seat:
    seat = seat_for(fake, wire, name)
    seat.web_search = True
    return seat


@pytest.mark.parametrize("wire", ["openai", "anthropic", "gemini"])
async def test_each_provider_s_citations_become_sources_with_the_places_they_cite(
    fake: FakeProviderServer, worker: WorkerGateway, wire: WireFormat
) -> None:
    # gpt-4o-search-preview: a model litellm's data says can search (as gemini-2.5-flash
    # and every current Claude).
    name = {"openai": "gpt-4o-search-preview", "anthropic": "claude-sonnet-4-5",
            "gemini": "gemini-2.5-flash"}[wire]  # fmt: skip
    fake.script(name, Stream(text=LEAD, cites=CITES, chunks=3))
    seat = searching_seat(fake, wire, name)
    events = await collect(worker, request_for(seat.model, seat.api_base, web_search=True))
    assert text_of(events) == ANSWER

    document = SessionDocument(worker, Session(seats=[seat]))
    fake.script(name, Stream(text=LEAD, cites=CITES, chunks=3))
    await document.send("What happened this week?")
    reply = document.session.turns[0].replies[0]
    assert reply.text == ANSWER
    cited = [s for s in reply.sources if s.cited]
    assert [(s.url, s.title) for s in cited] == [(c.url, c.title) for c in CITES]
    for source, cite in zip(cited, CITES, strict=True):
        [place] = source.cited
        assert reply.text[place.start : place.end] == cite.text
    if wire == "anthropic":
        # Every page the search returned, cited or not, with what else Anthropic said of it.
        assert [s.url for s in reply.sources] == [c.url for c in CITES]
        assert reply.sources[0].extra["page_age"] == "2 days ago"
    if wire in ("anthropic", "gemini"):  # the wires that count their searches
        assert reply.usage is not None
        assert reply.usage.web_searches == 1
    # litellm's price per search for each model (its cost map), and inside the cost.
    fee = {"openai": 0.025, "anthropic": 0.01, "gemini": 0.035}[wire]
    assert reply.usage is not None
    assert reply.usage.search_fee_usd == pytest.approx(fee)
    assert reply.cost_usd is not None
    assert reply.cost_usd >= fee


@pytest.mark.parametrize(
    ("wire", "name", "sent"),
    [
        ("openai", "gpt-4o-search-preview", {"web_search_options": {"search_context_size": "high"}}),
        ("anthropic", "claude-sonnet-4-5", {"tools": [{"type": "web_search_20250305",
                                                       "name": "web_search", "max_uses": 10}]}),
        ("gemini", "gemini-2.5-flash", {"tools": [{"googleSearch": {}}]}),
    ],
)  # fmt: skip
async def test_the_seat_s_web_search_reaches_the_provider_as_litellm_sends_it(
    fake: FakeProviderServer,
    worker: WorkerGateway,
    wire: WireFormat,
    name: str,
    sent: dict[str, object],
) -> None:
    seat = searching_seat(fake, wire, name)
    seat.search_context = SearchContext.HIGH
    document = SessionDocument(worker, Session(seats=[seat]))
    await document.send("News?")
    body = fake.requests(name)[-1].body
    for key, value in sent.items():
        assert body[key] == value


async def test_a_model_that_cannot_search_is_sent_no_search_at_all(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    seat = searching_seat(fake, "openai", "gpt-4o")  # litellm: no web search
    await SessionDocument(worker, Session(seats=[seat])).send("News?")
    assert "web_search_options" not in fake.requests("gpt-4o")[-1].body


async def test_perplexity_s_numbered_citations_are_its_sources_in_order(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    fake.script("sonar", Stream(text="Sinner is No. 1 [1][2].", cites=CITES,
                                top_level_citations=True))  # fmt: skip
    seat = Seat("Perplexity", "perplexity/sonar", api_base=fake.api_base("openai"))
    seat.web_search = True
    events = await collect(worker, request_for(seat.model, seat.api_base, web_search=True))
    found = [s for e in events if isinstance(e, SourcesFound) for s in e.sources]
    urls = list(dict.fromkeys(s.url for s in found))
    assert urls == [c.url for c in CITES], "numbered as the [n] in its text"
    assert {s.url: s.title for s in found if s.title} == {c.url: c.title for c in CITES}
    assert fake.requests("sonar")[-1].body["web_search_options"] == {}
    assert any(isinstance(e, UsageReport) for e in events)


async def test_sources_survive_the_transcript_with_the_provider_s_own_fields(
    fake: FakeProviderServer, worker: WorkerGateway, tmp_path: Path
) -> None:
    seat = searching_seat(fake, "anthropic", "claude-opus-4-1")
    fake.script("claude-opus-4-1", Stream(text=LEAD, cites=CITES))
    document = SessionDocument(worker, Session(seats=[seat]))
    await document.send("News?")
    path = tmp_path / "s.json"
    await document.save(path)
    reply = load_session(path).session.turns[0].replies[0]
    assert reply.sources == document.session.turns[0].replies[0].sources
    assert reply.sources[0].extra["encrypted_content"] == "EqgfCioIARgBIiQ3fake"
    assert load_session(path).session.seats[0].web_search is True


async def test_a_debate_round_carries_the_searcher_s_sources_and_no_one_s_thinking(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    searcher = searching_seat(fake, "anthropic", "claude-haiku-4-5")
    thinker = seat_for(fake, "gemini", "gemini-2.5-pro")
    plain = seat_for(fake, "openai", "debater")
    fake.script("claude-haiku-4-5", Stream(text=LEAD, cites=CITES))
    fake.script("gemini-2.5-pro", Stream(text="I reckon so.", thinking="My secret doubts."))
    document = SessionDocument(worker, Session(seats=[searcher, thinker, plain]))
    await document.send("What happened this week?")
    await document.run(document.append(turns.debate_round(document.session)))
    for model in ("gemini-2.5-pro", "debater"):
        sent = fake.requests(model)[-1].user_texts()[-1]
        assert "[claude-haiku-4-5's sources]" in sent
        for number, cite in enumerate(CITES, 1):
            assert f"[{number}] {cite.title} — {cite.url}" in sent
            assert f"{cite.text}[{number}]" in sent, "the marker where it is cited"
    for model in ("claude-haiku-4-5", "debater"):
        assert "secret doubts" not in str(fake.requests(model)[-1].body)
    quote = document.session.turns[1].quotes[0]
    assert [s.url for s in quote.sources] == [c.url for c in CITES]


async def test_an_excerpt_carries_only_the_sources_cited_within_it(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    searcher = searching_seat(fake, "anthropic", "claude-sonnet-4-6")
    other = seat_for(fake, "openai", "reader")
    fake.script("claude-sonnet-4-6", Stream(text=LEAD, cites=CITES))
    document = SessionDocument(worker, Session(seats=[searcher, other]))
    await document.send("News?")
    reply = document.session.turns[0].replies[0]
    await document.run(
        document.append(
            turns.forward(document.session, reply.id, [other.id], "Check this:", CITES[1].text)
        )
    )
    sent = fake.requests("reader")[-1].user_texts()[-1]
    assert CITES[1].url in sent
    assert CITES[0].url not in sent
    assert f"{CITES[1].text}[1]" in sent, "renumbered within the excerpt"


async def test_a_responses_api_model_is_sent_no_search_litellm_would_refuse(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    # litellm's Responses API bridge refuses web_search_options outright: the seat
    # answers without searching instead of failing.
    seat = searching_seat(fake, "responses", "gpt-5.5-pro")
    document = SessionDocument(worker, Session(seats=[seat]))
    await document.send("News?")
    reply = document.session.turns[0].replies[0]
    assert reply.status.value == "complete", reply.error
    assert "tools" not in fake.requests("gpt-5.5-pro")[-1].body
