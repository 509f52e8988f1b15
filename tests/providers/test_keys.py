"""Key lookup order, a missing keyring, and redaction."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from desktop.core.utils.redaction import redact
from desktop.providers.keys import find_key, lookup_places, provider_of, store_key
from tests.fakes.memory_keyring import MemoryKeyring


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("openai/gpt-4o", "openai"),
        ("anthropic/claude-sonnet-4-5", "anthropic"),
        ("gemini/gemini-2.5-pro", "gemini"),
        ("gpt-4o", "openai"),
        ("claude-3-5-sonnet", "anthropic"),
        ("ollama_chat/llama3", "ollama_chat"),
    ],
)
def test_provider_of_a_model_id(model: str, provider: str) -> None:
    assert provider_of(model) == provider


def test_the_keyring_comes_first(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "from-env")
    store_key("openai", "from-keyring")
    assert memory_keyring.passwords == {("roundtable", "openai"): "from-keyring"}
    found = find_key("openai")
    assert (found.key, found.source) == (
        "from-keyring",
        'OS keyring (service "roundtable", user "openai")',
    )


def test_then_the_providers_variable_then_the_lineups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "from-env")
    monkeypatch.setenv("TEAM_KEY", "from-team")
    assert find_key("openai", "TEAM_KEY").source == "$OPENAI_API_KEY"
    monkeypatch.delenv("OPENAI_API_KEY")
    found = find_key("openai", "TEAM_KEY")
    assert (found.key, found.source) == ("from-team", "$TEAM_KEY")
    assert find_key("openai").key is None


def test_gemini_also_takes_google_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY")
    monkeypatch.setenv("GOOGLE_API_KEY", "g")
    assert find_key("gemini").source == "$GOOGLE_API_KEY"


def test_no_keyring_is_noted_and_the_environment_still_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-env")
    found = find_key("anthropic")
    assert found.key == "from-env"
    assert found.notes == ("the OS keyring is not available (NoKeyringError)",)


def test_lookup_places_says_where_keys_are_looked_up() -> None:
    assert lookup_places("gemini", "MY_KEY") == (
        'the OS keyring (service "roundtable", user "gemini"), then $GEMINI_API_KEY, '
        "then $GOOGLE_API_KEY, then $MY_KEY"
    )


def test_redact_removes_given_secrets_and_key_shaped_text() -> None:
    # Built up so that no key-like text is committed.
    text = (
        f"bad key {'sk-' + 'proj-abcdefghijklmnop'} and AIzaSyA1234567890abcdefghijk and hunter22"
    )
    assert redact(text, ("hunter22",)) == "bad key [redacted] and [redacted] and [redacted]"
