"""Testing a provider's key: the cheapest call it allows, and what happened, plainly.

One reply of at most one token from the provider's cheapest current model, through the
same gateway as every seat (so the worker, its keys and its network path are what is
tested). The outcome is one of four things a user can act on.
"""

from __future__ import annotations

from contextlib import aclosing
from dataclasses import dataclass

from desktop.core.records.events import Failed, Finished, Gateway, ReplyRequest
from desktop.core.records.model import ErrorKind
from desktop.core.utils.stamps import new_id

# The cheapest model each provider serves today (litellm ids); the test costs < $0.0001.
CHEAPEST = {
    "openai": "openai/gpt-4o-mini",
    "anthropic": "anthropic/claude-haiku-4-5",
    "gemini": "gemini/gemini-2.5-flash-lite",
    "mistral": "mistral/mistral-small-latest",
    "groq": "groq/llama-3.1-8b-instant",
    "deepseek": "deepseek/deepseek-chat",
    "xai": "xai/grok-3-mini",
    "openrouter": "openrouter/openai/gpt-4o-mini",
    "together_ai": "together_ai/meta-llama/Llama-3.2-3B-Instruct-Turbo",
}


@dataclass(frozen=True)
class KeyCheck:
    """What a test call found: ``outcome`` is "works", "rejected", "no network",
    "rate-limited" or "failed"; ``detail`` the provider's words (keys scrubbed)."""

    outcome: str
    detail: str = ""


def check_request(
    provider: str, api_base: str | None = None, model: str | None = None
) -> ReplyRequest:
    """The one-token request that tests ``provider``'s key."""
    return ReplyRequest(
        reply_id=new_id(),
        seat_label=f"key test ({provider})",
        model=model or CHEAPEST.get(provider, f"{provider}/unknown"),
        messages=[{"role": "user", "content": "Say OK."}],
        api_base=api_base,
        max_tokens=1,
    )


async def check_key(gateway: Gateway, request: ReplyRequest) -> KeyCheck:
    """Make the test call and say what happened."""
    async with aclosing(gateway.stream(request)) as events:
        async for event in events:
            if isinstance(event, Finished):
                return KeyCheck("works")
            if isinstance(event, Failed):
                return KeyCheck(_OUTCOMES.get(event.kind, "failed"), event.message)
    return KeyCheck("failed", "the call ended without an answer")


_OUTCOMES = {
    ErrorKind.AUTH: "rejected",
    ErrorKind.NETWORK: "no network",
    ErrorKind.TIMEOUT: "no network",
    ErrorKind.RATE_LIMITED: "rate-limited",
}
