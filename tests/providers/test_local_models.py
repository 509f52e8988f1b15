"""Local model servers: Ollama and LM Studio found (up, down, slow, answering garbage),
their models listed keyless, and a local seat streaming through litellm's real Ollama
path against the fake server's NDJSON stream."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web

from desktop.core.records.events import Finished, UsageReport
from desktop.providers.gateway import LiteLLMGateway, RetryPolicy
from desktop.providers.local_servers import MAX_MODELS, find_local_servers, ollama_url
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.providers.helpers import collect, request_for, text_of


def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


async def test_running_servers_list_their_models_as_seats_name_them(
    fake: FakeProviderServer,
) -> None:
    ollama, lm_studio = await find_local_servers(ollama=fake.url, lm_studio=fake.url)
    assert (ollama.name, ollama.state) == ("Ollama", "running")
    [llama] = ollama.models
    assert (llama.model, llama.label, llama.api_base) == (
        "ollama_chat/fake-llama", "fake-llama (Ollama)", fake.url
    )  # fmt: skip
    [qwen] = lm_studio.models
    assert (qwen.model, qwen.api_base) == ("lm_studio/fake-qwen", f"{fake.url}/v1")


async def test_a_server_that_is_down_is_said_so() -> None:
    servers = await find_local_servers(ollama=closed_port(), lm_studio=closed_port())
    assert [(s.state, s.models) for s in servers] == [("not running", [])] * 2


async def test_a_slow_server_is_given_up_on(fake: FakeProviderServer) -> None:
    fake.list_delay = 5.0
    try:
        servers = await find_local_servers(ollama=fake.url, lm_studio=fake.url, wait=0.3)
    finally:
        fake.list_delay = 0.0
    assert [s.state for s in servers] == ["too slow", "too slow"]


@pytest.mark.parametrize(
    "answer",
    [b"<html>not an API</html>", {"models": "many"}, {"nothing": []}, [1, 2, 3], None],
)
async def test_a_server_answering_garbage_is_not_its_api(
    fake: FakeProviderServer, answer: object
) -> None:
    fake.ollama_tags = answer
    try:
        ollama, _ = await find_local_servers(ollama=fake.url, lm_studio=fake.url)
    finally:
        fake.ollama_tags = {"models": [{"name": "fake-llama:latest"}]}
    assert (ollama.state, ollama.models) == ("not its API", [])


async def test_names_from_a_server_are_short_printable_and_few(fake: FakeProviderServer) -> None:
    fake.lm_studio_models = {
        "data": [{"id": "ok"}, {"id": "evil\u202ename\n"}, {"id": "x" * 5000}, {"id": 7}]
        + [{"id": f"m{n}"} for n in range(1000)]
    }
    try:
        _, lm_studio = await find_local_servers(ollama=fake.url, lm_studio=fake.url)
    finally:
        fake.lm_studio_models = {"data": [{"id": "fake-qwen"}]}
    names = [m.model for m in lm_studio.models]
    assert names[0] == "lm_studio/ok"
    assert len(names) <= MAX_MODELS
    assert not any("evil" in n or "xxxx" in n for n in names)


def test_ollama_host_is_read_as_ollama_reads_it() -> None:
    assert ollama_url({}) == "http://127.0.0.1:11434"
    assert ollama_url({"OLLAMA_HOST": "0.0.0.0"}) == "http://127.0.0.1:11434"
    assert ollama_url({"OLLAMA_HOST": "0.0.0.0:8080"}) == "http://127.0.0.1:8080"
    assert ollama_url({"OLLAMA_HOST": "https://gpu.lan:443"}) == "https://gpu.lan:443"
    assert ollama_url({"OLLAMA_HOST": "gpu.lan"}) == "http://gpu.lan:11434"


async def test_a_local_seat_streams_through_litellm_keyless(fake: FakeProviderServer) -> None:
    fake.script("fake-llama", Stream(text="Local and keyless.", chunks=4, usage=(11, 6)))
    gateway = LiteLLMGateway(retry=RetryPolicy(attempts=1))
    events = await collect(gateway, request_for("ollama_chat/fake-llama", fake.url))
    assert text_of(events) == "Local and keyless."
    usage = [e for e in events if isinstance(e, UsageReport)][-1]
    assert (usage.prompt_tokens, usage.completion_tokens) == (11, 6)
    assert isinstance(events[-1], Finished)
    [sent] = fake.requests("fake-llama")
    assert sent.path == "/api/chat"
    assert sent.user_texts() == ["Hello?"]
    assert "authorization" not in {k.lower() for k in sent.headers}


class HostileListing:
    """A local server that trickles its model list a byte at a time, or floods it."""

    def __init__(self, how: str) -> None:
        self.how = how
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> HostileListing:
        app = web.Application()
        app.router.add_get("/api/tags", self._answer)
        app.router.add_get("/v1/models", self._answer)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.runner is not None
        await self.runner.cleanup()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        try:
            if self.how == "trickle":  # each read comes within httpx's timeout
                for byte in b'{"models": [' * 10:  # bounded: 120 bytes, a minute at most
                    await response.write(bytes([byte]))
                    await asyncio.sleep(0.4)
            else:
                chunk = b'{"name": "x"},' * 4096
                for _ in range(2000):  # bounded: 110 MB at most
                    await response.write(chunk)
        except (ConnectionResetError, asyncio.CancelledError):
            pass  # the client hung up: as it should
        return response


@pytest.mark.parametrize("how", ["trickle", "flood"])
async def test_a_hostile_server_is_given_up_on_in_time_and_memory(how: str) -> None:
    """httpx's timeout is per read: a byte every 0.4 s kept the probe waiting for ever,
    and a body with no end grew the memory without bound."""
    async with HostileListing(how) as server:
        ollama, lm_studio = await find_local_servers(
            ollama=server.url, lm_studio=server.url, wait=1.0
        )
    expected = "too slow" if how == "trickle" else "not its API (an answer far too long)"
    assert [ollama.state, lm_studio.state] == [expected, expected]
