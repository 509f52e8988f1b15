"""The model picker's list and ``roundtable models`` / ``roundtable keys``: litellm's
chat models, flagships first, with what each takes and costs; local models found on a
server; where each key comes from, never the key."""

from __future__ import annotations

import json

import pytest

from desktop.cli import main as cli_main
from desktop.providers.catalog import catalog, describe, search
from desktop.providers.local_servers import LocalModel
from tests.conftest import TEST_KEYS
from tests.fakes.memory_keyring import MemoryKeyring
from tests.fakes.provider_server import FakeProviderServer


def test_the_big_providers_flagships_come_first_with_their_facts() -> None:
    models = catalog()
    first = models[:30]
    assert {m.provider for m in first} <= {"anthropic", "openai", "gemini"}
    assert all(m.model.startswith(f"{m.provider}/") for m in models)
    sonnet = next(m for m in models if m.model == "anthropic/claude-sonnet-4-5")
    assert (sonnet.vision, sonnet.pdf, sonnet.context) == (True, True, 200_000)
    assert (sonnet.input_per_mtok, sonnet.output_per_mtok) == (3.0, 15.0)
    # Searches although litellm's data says otherwise (its tool is sent all the same).
    assert sonnet.web_search
    searching = {m.model: m.web_search for m in models}
    assert searching["gemini/gemini-2.5-flash"]
    assert searching["openai/gpt-4o-search-preview"]
    assert not searching["openai/gpt-4o"]
    assert not searching["bedrock/anthropic.claude-3-opus-20240229-v1:0"]
    assert "web search" in describe(sonnet)
    assert models.index(sonnet) < next(
        i for i, m in enumerate(models) if m.provider not in ("anthropic", "openai", "gemini")
    )
    assert len({m.model for m in models}) == len(models), "each model once"
    assert not any(m.model.split("/")[1].startswith("us.") for m in models)


def test_local_models_come_last_and_search_finds_by_every_word() -> None:
    local = [LocalModel("ollama_chat/llama3.2", "llama3.2 (Ollama)", "http://h:1", "ollama")]
    models = catalog(local)
    assert models[-1].model == "ollama_chat/llama3.2"
    assert models[-1].local
    assert models[-1].input_per_mtok is None
    assert catalog(local, local_only=True) == [models[-1]]
    found = search(models, "sonnet 4-5 anthropic")
    assert found
    assert all("sonnet" in m.model and "4-5" in m.model for m in found)
    assert search(models, "ollama") == [models[-1]]


def test_roundtable_models_lists_a_local_server_found(
    fake: FakeProviderServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", fake.url)
    assert cli_main(["models", "--local-only", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"model": "ollama_chat/fake-llama", "local": True}.items() <= rows[0].items()
    assert set(rows[0]) == {"model", "provider", "label", "vision", "pdf", "context",
                            "input_per_mtok", "output_per_mtok", "local", "web_search"}  # fmt: skip
    assert cli_main(["models"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(("anthropic/", "openai/", "gemini/"))
    assert f"# Ollama at {fake.url}: running" in out
    assert "ollama_chat/fake-llama  (text only · context unknown · on this computer, free)" in out


def test_roundtable_keys_says_where_never_the_key(
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stored = "stored-" + "secret" * 4  # not key-shaped: no key-like text committed
    memory_keyring.set_password("roundtable", "anthropic", stored)
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEYS["OPENAI_API_KEY"])
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    assert cli_main(["keys"]) == 0
    out = capsys.readouterr().out
    assert 'Anthropic: OS keyring (service "roundtable", user "anthropic")' in out
    assert "OpenAI: $OPENAI_API_KEY" in out
    assert "Gemini: none (looked in" in out
    assert "Ollama: no key needed" in out
    assert stored not in out
    assert TEST_KEYS["OPENAI_API_KEY"] not in out
