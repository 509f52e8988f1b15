"""Replay streams recorded from the real OpenAI, Anthropic and Gemini APIs.

Each recording in ../shared/fixtures/providers is served verbatim by the fake server,
read through litellm and the gateway, and the reassembled answer and reasoning (the
model's thinking) must each equal what the recording carries (parsed here straight from
the SSE, independently of litellm).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop.core.records.events import Failed, Finished, ReasoningSealed
from desktop.core.records.model import ErrorKind
from desktop.providers.gateway import LiteLLMGateway, RetryPolicy
from tests.conftest import SHARED_FIXTURES, shared_fixtures
from tests.fakes.provider_server import FakeProviderServer, Replay, WireFormat
from tests.providers.helpers import collect, reasoning_of, request_for, text_of

PROVIDERS = SHARED_FIXTURES / "providers"
WIRES: tuple[WireFormat, ...] = ("openai", "anthropic", "gemini")


def _recordings(suffix: str) -> list[Path]:
    if not PROVIDERS.is_dir():
        return []
    return sorted(p for wire in WIRES for p in (PROVIDERS / wire).glob(f"*{suffix}"))


def _data_lines(raw: str) -> list[dict[str, Any]]:
    out = []
    for line in raw.splitlines():
        if line.startswith("data:"):
            payload = line[5:].strip()
            if payload and payload != "[DONE]":
                out.append(json.loads(payload))
    return out


def recorded(wire: str, raw: str, thought: bool = False) -> str:
    """The answer a recording carries (its thinking, with ``thought``), straight from its
    SSE events: OpenAI's ``content`` (``reasoning_content``), Anthropic's ``text_delta``
    (``thinking_delta``) events, Gemini's parts (those marked ``thought``)."""
    events = _data_lines(raw)
    if wire == "openai":
        key = "reasoning_content" if thought else "content"
        return "".join(c["delta"].get(key) or "" for e in events for c in e.get("choices", []))
    if wire == "anthropic":
        kind, key = ("thinking_delta", "thinking") if thought else ("text_delta", "text")
        return "".join(
            e["delta"][key]
            for e in events
            if e.get("type") == "content_block_delta" and e["delta"].get("type") == kind
        )
    return "".join(
        part.get("text", "")
        for e in events
        for candidate in e.get("candidates", [])
        for part in candidate.get("content", {}).get("parts", [])
        if bool(part.get("thought")) is thought
    )


def recorded_signatures(raw: str) -> list[str]:
    """The signatures Anthropic put on its thinking blocks, straight from the SSE."""
    return [
        e["delta"]["signature"]
        for e in _data_lines(raw)
        if e.get("type") == "content_block_delta" and e["delta"].get("type") == "signature_delta"
    ]


def _serve(fake: FakeProviderServer, path: Path) -> tuple[str, str]:
    wire = path.parent.name
    name = path.name.split(".")[0]
    fake.script(name, Replay(path))
    return wire, name


def _gateway() -> LiteLLMGateway:
    return LiteLLMGateway(retry=RetryPolicy(attempts=1))


def test_the_recordings_are_there() -> None:
    shared_fixtures("providers")
    assert len(_recordings(".sse")) >= 20


@pytest.mark.parametrize(
    "path",
    [p for p in _recordings(".sse") if ".fragment." not in p.name],
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
async def test_a_recorded_stream_reassembles_to_its_text(
    fake: FakeProviderServer, path: Path
) -> None:
    wire, name = _serve(fake, path)
    events = await collect(_gateway(), request_for(f"{wire}/{name}", fake.api_base(wire)))  # type: ignore[arg-type]
    assert isinstance(events[-1], Finished), events[-1]
    raw = path.read_text(encoding="utf-8")
    assert text_of(events) == recorded(wire, raw)
    assert reasoning_of(events) == recorded(wire, raw, thought=True)
    signed = [b.signature for e in events if isinstance(e, ReasoningSealed) for b in e.blocks]
    assert signed == recorded_signatures(raw), "Anthropic's seals on its thinking, kept"


@pytest.mark.parametrize(
    "path",
    [p for p in _recordings(".sse") if ".fragment." in p.name],
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
async def test_a_recorded_error_event_mid_stream_fails_and_keeps_the_text(
    fake: FakeProviderServer, path: Path
) -> None:
    wire, name = _serve(fake, path)
    events = await collect(_gateway(), request_for(f"{wire}/{name}", fake.api_base(wire)))  # type: ignore[arg-type]
    assert isinstance(events[-1], Failed), events[-1]
    assert text_of(events) == recorded(wire, path.read_text(encoding="utf-8"))


EXPECTED_KINDS = {
    "error-401": ErrorKind.AUTH,
    "error-400-api-key-invalid": ErrorKind.AUTH,
    "error-429": ErrorKind.RATE_LIMITED,
    "error-400-prompt-too-long": ErrorKind.CONTEXT_TOO_LONG,
    "error-400-input-token-count-exceeds": ErrorKind.CONTEXT_TOO_LONG,
    "error-400-context-length-exceeded": ErrorKind.CONTEXT_TOO_LONG,
    "error-404": ErrorKind.BAD_REQUEST,
}


def _expected_kind(path: Path) -> ErrorKind:
    return next(kind for prefix, kind in EXPECTED_KINDS.items() if path.name.startswith(prefix))


@pytest.mark.parametrize(
    "path",
    [p for p in _recordings(".json") if not p.name.endswith(".meta.json")],
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
async def test_a_recorded_error_response_gets_its_kind(
    fake: FakeProviderServer, path: Path
) -> None:
    wire, name = _serve(fake, path)
    events = await collect(_gateway(), request_for(f"{wire}/{name}", fake.api_base(wire)))  # type: ignore[arg-type]
    failed = events[-1]
    assert isinstance(failed, Failed), failed
    assert failed.kind is _expected_kind(path), failed.message
    if path.name.startswith("error-429") and wire == "gemini":
        assert failed.retry_after == 48.0
