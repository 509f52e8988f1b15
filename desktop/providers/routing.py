"""Where a seat's call goes: straight to its provider, or through the team's LiteLLM proxy.

A team gateway is the user's own setting (never a transcript's): a LiteLLM proxy that
holds the providers' keys and does routing, budgets and logging for many users. Seats
then send the proxy's virtual key, and the proxy is asked for the seat's model id as the
seat writes it (``anthropic/claude-sonnet-4-5``), which a proxy serves by name or by a
wildcard route (``anthropic/*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from desktop.core.records.events import ReplyRequest
from desktop.providers import keys

PROXY = "litellm_proxy"


@dataclass(frozen=True)
class Route:
    """What litellm is asked for, at which address, and whose key goes with it."""

    model: str
    api_base: str | None
    provider: str
    api_key_env: str | None


def route(request: ReplyRequest) -> Route:
    """The route of one reply.

    A seat with its own ``api_base`` (a server it names) or on a local server goes where
    it says; with a team gateway set, every other seat goes through it as
    ``litellm_proxy/<model>`` with the proxy's key.
    """
    provider = keys.provider_of(request.model)
    gateway = request.team_gateway
    if not gateway or request.api_base or provider in keys.KEYLESS:
        return Route(request.model, request.api_base, provider, request.api_key_env)
    model = request.model if provider == PROXY else f"{PROXY}/{request.model}"
    return Route(model, gateway, PROXY, None)


def gateway_url(text: str) -> str:
    """A team gateway's address as the user typed it, checked: ``http(s)://host[:port]``
    and an optional path; raises ValueError saying what is wrong."""
    url = text.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it: "host:abc" raises ValueError
    except ValueError:  # "[::1" raises in urlsplit itself
        raise ValueError("that address has no valid host or port; give one such as :4000") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        # Not echoed: a key pasted into the wrong field must not be shown back.
        raise ValueError("that is not a proxy address; give one such as https://llm.example.org")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("give the proxy's address alone: its key goes in Settings → Keys…")
    return url
