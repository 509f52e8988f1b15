"""Shared fixtures: the fake provider server, test keys, an in-memory keyring."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from desktop.core.records.model import Seat
from tests.fakes.litellm_proxy import LiteLLMProxy
from tests.fakes.memory_keyring import MemoryKeyring
from tests.fakes.provider_server import FakeProviderServer, WireFormat

# The suite runs headless everywhere (CI has no display).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Nothing the suite starts (the app in a subprocess too) writes to the user's own data,
# config or cache folders: the library index, approvals, recovery files go here.
_scratch_home = Path(tempfile.mkdtemp(prefix="roundtable-tests-"))
for _kind in ("DATA", "CONFIG", "CACHE", "STATE"):
    os.environ[f"XDG_{_kind}_HOME"] = str(_scratch_home / _kind.lower())
# Nor does an app it starts hand its session to a Roundtable the developer has running
# (the single-instance socket lives in the runtime folder).
(_scratch_home / "runtime").mkdir(mode=0o700)
os.environ["XDG_RUNTIME_DIR"] = str(_scratch_home / "runtime")

ROOT = Path(__file__).resolve().parent.parent
_fixtures = os.environ.get("ROUNDTABLE_FIXTURES")
SHARED_FIXTURES = Path(_fixtures) if _fixtures else ROOT.parent / "shared" / "fixtures"

# Test keys are shaped like real ones, so redaction of key-like text is exercised too.
TEST_KEYS = {
    "OPENAI_API_KEY": "sk-test" + secrets.token_hex(16),
    "ANTHROPIC_API_KEY": "sk-ant-test" + secrets.token_hex(16),
    "GEMINI_API_KEY": "AIzaTest" + secrets.token_hex(16),
}

WIRE_PREFIX: dict[WireFormat, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "gemini": "gemini",
    "ollama": "ollama_chat",
    "responses": "openai",  # for a model litellm's data sends to the Responses API
}


def shared_fixtures(*parts: str) -> Path:
    """A path in ../shared/fixtures, skipping the test when that folder is absent."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"shared fixtures not found at {SHARED_FIXTURES} (set ROUNDTABLE_FIXTURES)")
    return SHARED_FIXTURES.joinpath(*parts)


@pytest.fixture(scope="session")
def provider_server() -> Iterator[FakeProviderServer]:
    with FakeProviderServer() as server:
        yield server


@pytest.fixture(scope="session")
def litellm_proxy(
    provider_server: FakeProviderServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiteLLMProxy]:
    """The real LiteLLM proxy in front of the fake server (started once: it takes seconds)."""
    proxy = LiteLLMProxy(provider_server, tmp_path_factory.mktemp("litellm-proxy"))
    try:
        proxy.wait_ready()
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
def fake(provider_server: FakeProviderServer) -> Iterator[FakeProviderServer]:
    """The fake provider server, with a clean script and request log for this test."""
    provider_server.reset()
    yield provider_server
    provider_server.reset()


@pytest.fixture(autouse=True)
def _test_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring, never the developer's real one."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def seat_for(
    server: FakeProviderServer, wire: WireFormat, name: str, label: str | None = None
) -> Seat:
    """A seat whose model is served by the fake server in the given wire format."""
    return Seat(
        label=label or name, model=f"{WIRE_PREFIX[wire]}/{name}", api_base=server.api_base(wire)
    )


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for child processes (CLI, worker): test keys, no real keyring, no Qt."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(TEST_KEYS)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


PYTHON = sys.executable
