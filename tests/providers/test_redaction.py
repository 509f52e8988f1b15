"""Keys never reach a pane, a file, a log or a terminal, whatever shape they have."""

from __future__ import annotations

import pytest

from desktop.core.utils.redaction import redact
from desktop.providers.errors import classify

SHAPES = [
    "sk-proj-" + "A1b2" * 10,
    "sk-ant-api03-" + "x" * 40,
    "sk-or-v1-" + "f" * 64,
    "AIzaSy" + "B" * 33,
    "gsk_" + "q" * 52,
    "xai-" + "Z" * 80,
    "pplx-" + "a" * 48,
    "hf_" + "b" * 34,
    "r8_" + "c" * 37,
    "AKIA" + "ABCDEFGHIJKLMNOP",
    "ghp_" + "d" * 36,
    "github_pat_" + "e" * 60,
]


@pytest.mark.parametrize("key", SHAPES)
def test_every_provider_key_shape_is_redacted(key: str) -> None:
    assert key not in redact(f"Invalid API key provided: {key}. Check it.")


def test_a_bearer_token_and_a_key_parameter_are_redacted() -> None:
    text = "Authorization: Bearer abc.def-123456789 url=https://x/v1?key=opaque123456789"
    out = redact(text)
    assert "abc.def-123456789" not in out
    assert "opaque123456789" not in out


def test_the_value_of_a_key_variable_in_use_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_API_KEY", "plainlookingvalue42")
    assert "plainlookingvalue42" not in redact("rejected: plainlookingvalue42")


def test_a_key_across_the_400_character_cut_is_redacted_before_cutting() -> None:
    # Cut first, redact second: the key's first half survived the cut and its shape no
    # longer matched.
    key = "sk-proj-" + "k" * 40
    message = "x" * 380 + " " + key
    shown = classify(Exception(message), provider="openai").message
    assert "kkkk" not in shown
