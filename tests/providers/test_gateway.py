"""The in-process gateway against the fake server, through litellm's real HTTP path."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import pytest

from desktop.core.records.events import Finished, Started, TextDelta, UsageReport
from desktop.core.records.model import ErrorKind
from desktop.providers.gateway import LiteLLMGateway, RetryPolicy
from tests.conftest import TEST_KEYS, WIRE_PREFIX
from tests.fakes.memory_keyring import MemoryKeyring
from tests.fakes.provider_server import Fail, FakeProviderServer, Hang, Stream, WireFormat
from tests.providers.helpers import collect, failure_of, request_for, text_of
from tests.waiting import eventually

WIRES: list[WireFormat] = ["openai", "anthropic", "gemini"]
# A key-shaped string a provider echoes back; built up so no key-like text is committed.
LEAKED_KEY = "sk-" + "abcdefghij1234567890"
# Real model names, so litellm's local cost map prices them.
PRICED = {"openai": "gpt-4o", "anthropic": "claude-sonnet-4-5", "gemini": "gemini-2.5-flash"}


def no_retries() -> LiteLLMGateway:
    return LiteLLMGateway(retry=RetryPolicy(attempts=1))


def model(wire: WireFormat, name: str) -> str:
    return f"{WIRE_PREFIX[wire]}/{name}"


@pytest.mark.parametrize("wire", WIRES)
async def test_a_stream_becomes_typed_events_with_usage_and_cost(
    fake: FakeProviderServer, wire: WireFormat
) -> None:
    name = PRICED[wire]
    fake.script(name, Stream(text="Paris is the capital of France.", chunks=5, usage=(15, 9)))
    events = await collect(no_retries(), request_for(model(wire, name), fake.api_base(wire)))

    assert isinstance(events[0], Started)
    assert text_of(events) == "Paris is the capital of France."
    assert sum(isinstance(e, TextDelta) for e in events) == 5
    usage = [e for e in events if isinstance(e, UsageReport)][-1]
    assert (usage.prompt_tokens, usage.completion_tokens) == (15, 9)
    assert usage.cost_usd is not None
    assert usage.cost_usd > 0
    assert events[-1] == Finished("stop", name)
    sent = fake.requests(name)[0]
    assert sent.user_texts() == ["Hello?"]
    assert TEST_KEYS[f"{wire.upper()}_API_KEY"] in str(sent.headers)


async def test_an_unknown_models_cost_is_none_not_zero(fake: FakeProviderServer) -> None:
    events = await collect(no_retries(), request_for("openai/house-model", fake.api_base("openai")))
    usage = next(e for e in events if isinstance(e, UsageReport))
    assert usage.completion_tokens == 34
    assert usage.cost_usd is None


@pytest.mark.parametrize(
    ("name", "sent"), [("o3-mini", "high"), ("gpt-4o", None), ("house-model", None)]
)
async def test_reasoning_effort_goes_only_to_models_that_reason(
    fake: FakeProviderServer, name: str, sent: str | None
) -> None:
    # A model that does not reason would refuse the whole request over the parameter.
    request = request_for(f"openai/{name}", fake.api_base("openai"), reasoning_effort="high")
    events = await collect(no_retries(), request)

    assert text_of(events)
    assert fake.requests(name)[0].body.get("reasoning_effort") == sent


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("how", ["aclose", "cancel"])
async def test_stopping_closes_the_http_stream_at_once(
    fake: FakeProviderServer, wire: WireFormat, how: str
) -> None:
    fake.script("slow", Stream(text="word " * 400, chunks=400, delay=0.02))
    stream = no_retries().stream(request_for(model(wire, "slow"), fake.api_base(wire)))
    got: list[str] = []

    async def consume() -> None:
        async for event in stream:
            if isinstance(event, TextDelta):
                got.append(event.text)
                if how == "aclose" and len(got) == 3:
                    return

    task = asyncio.ensure_future(consume())
    await eventually(lambda: len(got) >= 3, what="the first chunks")
    stopped_at = time.monotonic()
    if how == "aclose":
        await task
        await stream.aclose()
    else:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    await eventually(lambda: bool(fake.disconnects("slow")), within=5, what="the disconnect")
    assert fake.disconnects("slow")[0].at - stopped_at < 1.0


def _openai_error(message: str, code: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _anthropic_error(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


def _gemini_error(
    code: int, status: str, message: str, details: list[Any] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status, "details": details or []}}


ERROR_CASES: list[tuple[WireFormat, Fail, ErrorKind, str, float | None]] = [
    (
        "openai",
        Fail(
            401,
            _openai_error(f"Incorrect API key provided: {LEAKED_KEY}.", "invalid_api_key"),
        ),
        ErrorKind.AUTH,
        "$OPENAI_API_KEY",
        None,
    ),
    (
        "anthropic",
        Fail(401, _anthropic_error("authentication_error", "invalid x-api-key")),
        ErrorKind.AUTH,
        'user "anthropic"',
        None,
    ),
    (
        "gemini",
        Fail(
            400,
            _gemini_error(
                400,
                "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.",
                [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                    }
                ],
            ),
        ),
        ErrorKind.AUTH,
        "$GEMINI_API_KEY",
        None,
    ),
    (
        "openai",
        Fail(
            429,
            _openai_error("Rate limit reached", "rate_limit_exceeded", "requests"),
            {"retry-after": "17"},
        ),
        ErrorKind.RATE_LIMITED,
        "wait 17 s",
        17.0,
    ),
    (
        "anthropic",
        Fail(
            429,
            _anthropic_error(
                "rate_limit_error", "Number of request tokens has exceeded your rate limit"
            ),
        ),
        ErrorKind.RATE_LIMITED,
        "wait a little",
        None,
    ),
    (
        "gemini",
        Fail(
            429,
            _gemini_error(
                429,
                "RESOURCE_EXHAUSTED",
                "You exceeded your current quota. Please retry in 48.2s.",
                [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "48s"}],
            ),
        ),
        ErrorKind.RATE_LIMITED,
        "wait 48 s",
        48.0,
    ),
    (
        "openai",
        Fail(
            400,
            _openai_error(
                "This model's maximum context length is 128000 tokens. However, your messages resulted in 200000 tokens.",
                "context_length_exceeded",
            ),
        ),
        ErrorKind.CONTEXT_TOO_LONG,
        "Shorten the prompt",
        None,
    ),
    (
        "anthropic",
        Fail(
            400,
            _anthropic_error(
                "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"
            ),
        ),
        ErrorKind.CONTEXT_TOO_LONG,
        "210000 tokens",
        None,
    ),
    (
        "gemini",
        Fail(
            400,
            _gemini_error(
                400,
                "INVALID_ARGUMENT",
                "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
            ),
        ),
        ErrorKind.CONTEXT_TOO_LONG,
        "exceeds the maximum",
        None,
    ),
    (
        "openai",
        Fail(400, _openai_error("Invalid value for 'temperature'.", "invalid_value")),
        ErrorKind.BAD_REQUEST,
        "temperature",
        None,
    ),
    (
        "anthropic",
        Fail(500, _anthropic_error("api_error", "Internal server error")),
        ErrorKind.PROVIDER_ERROR,
        "Anthropic had a problem",
        None,
    ),
    (
        "gemini",
        Fail(503, _gemini_error(503, "UNAVAILABLE", "The model is overloaded.")),
        ErrorKind.PROVIDER_ERROR,
        "Gemini had a problem",
        None,
    ),
]


@pytest.mark.parametrize(
    ("wire", "failure", "kind", "says", "wait"),
    ERROR_CASES,
    ids=[f"{c[0]}-{c[1].status}-{c[2].value}" for c in ERROR_CASES],
)
async def test_errors_become_kinds_with_plain_messages(
    fake: FakeProviderServer,
    wire: WireFormat,
    failure: Fail,
    kind: ErrorKind,
    says: str,
    wait: float | None,
) -> None:
    fake.script("m", failure)
    failed = failure_of(
        await collect(no_retries(), request_for(model(wire, "m"), fake.api_base(wire)))
    )
    assert failed.kind is kind, failed.message
    assert says in failed.message
    assert failed.retry_after == wait
    assert "Traceback" not in failed.message
    assert LEAKED_KEY not in failed.message
    for key in TEST_KEYS.values():
        assert key not in failed.message


@pytest.mark.parametrize("wire", WIRES)
async def test_a_stream_cut_midway_is_a_network_error_and_keeps_the_text(
    fake: FakeProviderServer, wire: WireFormat
) -> None:
    fake.script("m", Stream(text="abcdefghijklmnop", chunks=8, cut_after=3))
    events = await collect(LiteLLMGateway(), request_for(model(wire, "m"), fake.api_base(wire)))
    assert text_of(events) == "abcdef"
    failed = failure_of(events)
    assert failed.kind is ErrorKind.NETWORK
    assert "cut off after 6 characters" in failed.message
    assert len(fake.requests("m")) == 1, "text had arrived, so nothing may be retried"


async def test_a_malformed_event_fails_the_reply_and_keeps_the_text(
    fake: FakeProviderServer,
) -> None:
    fake.script("m", Stream(text="abcdefgh", chunks=4, malformed_at=2))
    events = await collect(no_retries(), request_for("openai/m", fake.api_base("openai")))
    assert text_of(events) == "abcd"
    assert failure_of(events).kind is ErrorKind.NETWORK


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("wire", WIRES)
async def test_a_dead_server_is_a_network_error(wire: WireFormat) -> None:
    base = f"http://127.0.0.1:{_closed_port()}" + ("/v1" if wire == "openai" else "")
    failed = failure_of(await collect(no_retries(), request_for(model(wire, "m"), base)))
    assert failed.kind is ErrorKind.NETWORK, failed.message
    assert "Could not reach" in failed.message


async def test_a_silent_provider_times_out(fake: FakeProviderServer) -> None:
    fake.script("m", Hang())
    gateway = LiteLLMGateway(retry=RetryPolicy(attempts=1), timeout=0.5)
    failed = failure_of(await collect(gateway, request_for("openai/m", fake.api_base("openai"))))
    assert failed.kind is ErrorKind.TIMEOUT


# -- retry policy ----------------------------------------------------------------------


def quick_retries() -> LiteLLMGateway:
    return LiteLLMGateway(retry=RetryPolicy(attempts=3, base_delay=0.01, max_wait=1.0))


async def test_a_server_error_before_any_text_is_retried(fake: FakeProviderServer) -> None:
    fake.script(
        "m", Fail(500, {"error": {"message": "boom"}}), Fail(502, {"error": {"message": "boom"}})
    )
    events = await collect(quick_retries(), request_for("openai/m", fake.api_base("openai")))
    assert isinstance(events[-1], Finished)
    assert len(fake.requests("m")) == 3


async def test_retries_give_up_after_the_policys_attempts(fake: FakeProviderServer) -> None:
    fake.script("m", *[Fail(500, {"error": {"message": "boom"}})] * 5)
    failed = failure_of(
        await collect(quick_retries(), request_for("openai/m", fake.api_base("openai")))
    )
    assert failed.kind is ErrorKind.PROVIDER_ERROR
    assert len(fake.requests("m")) == 3


@pytest.mark.parametrize(
    "failure",
    [
        Fail(401, _openai_error("bad key", "invalid_api_key")),
        Fail(400, _openai_error("bad request", "invalid_value")),
        Fail(400, _openai_error("maximum context length is 10 tokens", "context_length_exceeded")),
    ],
    ids=["auth", "bad_request", "context"],
)
async def test_auth_and_bad_requests_are_never_retried(
    fake: FakeProviderServer, failure: Fail
) -> None:
    fake.script("m", failure, failure, failure)
    failure_of(await collect(quick_retries(), request_for("openai/m", fake.api_base("openai"))))
    assert len(fake.requests("m")) == 1


async def test_a_short_rate_limit_wait_is_honoured_and_a_long_one_reported(
    fake: FakeProviderServer,
) -> None:
    limited = _openai_error("slow down", "rate_limit_exceeded", "requests")
    fake.script("short", Fail(429, limited, {"retry-after-ms": "50"}))
    events = await collect(quick_retries(), request_for("openai/short", fake.api_base("openai")))
    assert isinstance(events[-1], Finished)
    first, second = fake.requests("short")
    assert second.at - first.at >= 0.05

    fake.script("long", Fail(429, limited, {"retry-after": "60"}))
    failed = failure_of(
        await collect(quick_retries(), request_for("openai/long", fake.api_base("openai")))
    )
    assert (failed.kind, failed.retry_after) == (ErrorKind.RATE_LIMITED, 60.0)
    assert len(fake.requests("long")) == 1


# -- keys --------------------------------------------------------------------------------


async def test_a_missing_key_fails_before_any_request(
    fake: FakeProviderServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    # Pointed at the fake server, so a request sent without a key would be seen there.
    request = request_for("anthropic/claude-x", fake.api_base("anthropic"))
    failed = failure_of(await collect(no_retries(), request))
    assert failed.kind is ErrorKind.AUTH
    assert "No API key for Anthropic" in failed.message
    assert "$ANTHROPIC_API_KEY" in failed.message
    assert fake.requests() == []


async def test_the_keyring_key_is_the_one_sent(
    fake: FakeProviderServer, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.set_password("roundtable", "openai", "from-the-keyring")
    await collect(no_retries(), request_for("openai/m", fake.api_base("openai")))
    assert fake.requests("m")[0].headers["Authorization"] == "Bearer from-the-keyring"
