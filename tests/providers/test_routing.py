"""Which seats a team gateway takes, and which addresses it accepts."""

from __future__ import annotations

import pytest

from desktop.providers.routing import Route, gateway_url, route
from tests.providers.helpers import request_for

PROXY = "https://llm.example.org"


@pytest.mark.parametrize(
    ("model", "api_base", "expected"),
    [
        ("anthropic/claude-x", None, Route("litellm_proxy/anthropic/claude-x", PROXY, "litellm_proxy", None)),
        ("gpt-4o", None, Route("litellm_proxy/gpt-4o", PROXY, "litellm_proxy", None)),
        ("litellm_proxy/house", None, Route("litellm_proxy/house", PROXY, "litellm_proxy", None)),
        # A seat that names its own server, or a server on this computer, keeps it.
        ("openai/vllm", "http://10.0.0.5/v1", Route("openai/vllm", "http://10.0.0.5/v1", "openai", "VLLM_KEY")),
        ("ollama_chat/llama3", None, Route("ollama_chat/llama3", None, "ollama_chat", "VLLM_KEY")),
    ],
)  # fmt: skip
def test_the_gateway_takes_every_seat_without_an_address_of_its_own(
    model: str, api_base: str | None, expected: Route
) -> None:
    request = request_for(model, api_base, team_gateway=PROXY, api_key_env="VLLM_KEY")
    assert route(request) == expected


def test_without_a_gateway_every_seat_goes_where_it_says() -> None:
    request = request_for("anthropic/claude-x", None, api_key_env="MY_KEY")
    assert route(request) == Route("anthropic/claude-x", None, "anthropic", "MY_KEY")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  https://llm.example.org/ ", "https://llm.example.org"),
        ("http://127.0.0.1:4000", "http://127.0.0.1:4000"),
        ("https://gw.example.org/litellm", "https://gw.example.org/litellm"),
    ],
)
def test_a_gateway_address_is_tidied(typed: str, expected: str) -> None:
    assert gateway_url(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("gateway.internal", "is not a proxy address"),
        ("sk-" + "pasted-into-the-wrong-field", "is not a proxy address"),
        ("file:///etc/passwd", "is not a proxy address"),
        ("https://:4000", "is not a proxy address"),
        ("https://llm.example.org:abc", "no valid host or port"),
        ("https://me:hunter2@llm.example.org", "its key goes in Settings → Keys…"),
        ("https://llm.example.org/?key=hunter2", "its key goes in Settings → Keys…"),
    ],
)
def test_anything_but_an_address_is_refused(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as refused:
        gateway_url(typed)
    assert typed.strip() not in str(refused.value), "what was typed may be a key"
