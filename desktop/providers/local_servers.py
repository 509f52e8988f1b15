"""Model servers on this computer: Ollama and LM Studio, found and asked for their models.

Both are asked at once, each for at most ``TIMEOUT`` seconds in all (a server sending a
byte at a time is still cut off) and at most ``MAX_BODY`` bytes: a server that is down,
slow, flooding or answering something that is not its API is reported as such, never
waited on.
Their answers are data from a program we did not write: names are kept only when they
are short, printable text, and at most ``MAX_MODELS`` of them.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TIMEOUT = 1.0  # seconds per server, for the whole answer (httpx's timeout is per read)
MAX_BODY = 2 * 1024 * 1024  # bytes: a list of 200 models with their details is ~100 KB
MAX_MODELS = 200
MAX_NAME = 200
OLLAMA_DEFAULT = "http://127.0.0.1:11434"
LM_STUDIO_DEFAULT = "http://127.0.0.1:1234"


@dataclass(frozen=True)
class LocalModel:
    """A model a local server offers, as a seat would name it."""

    model: str  # the litellm id: "ollama_chat/llama3.2", "lm_studio/qwen2.5-7b"
    label: str
    api_base: str
    provider: str  # "ollama" or "lm_studio"


@dataclass
class LocalServer:
    """What asking one server found."""

    name: str  # "Ollama", "LM Studio"
    url: str
    state: str  # "running", "not running", "too slow", "not its API"
    models: list[LocalModel] = field(default_factory=list)


def ollama_url(environ: dict[str, str] | None = None) -> str:
    """Ollama's address: ``OLLAMA_HOST`` as Ollama reads it (host, host:port or a URL;
    0.0.0.0 means this computer), else 127.0.0.1:11434."""
    host = (environ if environ is not None else os.environ).get("OLLAMA_HOST", "").strip()
    if not host:
        return OLLAMA_DEFAULT
    try:
        parts = urlsplit(host if "://" in host else f"http://{host}")
        port = parts.port or 11434
    except ValueError:  # a port that is no number, a broken [IPv6]: Ollama's default
        return OLLAMA_DEFAULT
    hostname = parts.hostname or "127.0.0.1"
    if hostname in ("0.0.0.0", "::"):
        hostname = "127.0.0.1"
    if ":" in hostname:
        hostname = f"[{hostname}]"
    return f"{parts.scheme or 'http'}://{hostname}:{port}"


async def find_local_servers(
    ollama: str | None = None, lm_studio: str = LM_STUDIO_DEFAULT, wait: float = TIMEOUT
) -> list[LocalServer]:
    """Ask Ollama and LM Studio for their models, at once, each for at most ``wait``
    seconds; each one's outcome."""
    import httpx

    async with httpx.AsyncClient(timeout=wait, trust_env=False) as client:
        return list(
            await asyncio.gather(
                _ask(client, "Ollama", ollama or ollama_url(), "/api/tags", _ollama_models),
                _ask(client, "LM Studio", lm_studio, "/v1/models", _lm_studio_models),
            )
        )


async def _ask(client: Any, name: str, url: str, path: str, read: Any) -> LocalServer:
    import httpx

    try:
        async with asyncio.timeout(client.timeout.read):
            body = await _body(client, url.rstrip("/") + path)
        models = read(json.loads(body), url.rstrip("/"))
    except (httpx.TimeoutException, TimeoutError):
        return LocalServer(name, url, "too slow")
    except (httpx.TransportError, httpx.HTTPStatusError):
        return LocalServer(name, url, "not running")
    except _TooLong:
        return LocalServer(name, url, "not its API (an answer far too long)")
    except (ValueError, TypeError, KeyError, AttributeError):  # JSON, but not its API
        return LocalServer(name, url, "not its API")
    return LocalServer(name, url, "running", models)


class _TooLong(Exception):
    pass


async def _body(client: Any, url: str) -> bytes:
    """The body at ``url``, read no further than ``MAX_BODY`` bytes."""
    async with client.stream("GET", url, headers={"Accept-Encoding": "identity"}) as response:
        response.raise_for_status()
        body = bytearray()
        async for chunk in response.aiter_raw():
            body += chunk
            if len(body) > MAX_BODY:
                raise _TooLong
    return bytes(body)


def _names(items: Any, key: str) -> list[str]:
    if not isinstance(items, list):
        raise TypeError("not a list of models")
    names = []
    for item in items[:MAX_MODELS]:
        value = item.get(key) if isinstance(item, dict) else None
        if isinstance(value, str) and 0 < len(value) <= MAX_NAME and value.isprintable():
            names.append(value)
    return names


def _ollama_models(data: Any, url: str) -> list[LocalModel]:
    names = _names(data["models"], "name")
    return [
        LocalModel(
            f"ollama_chat/{n.removesuffix(':latest')}",
            f"{n.removesuffix(':latest')} (Ollama)",
            url,
            "ollama",
        )
        for n in names
    ]


def _lm_studio_models(data: Any, url: str) -> list[LocalModel]:
    names = _names(data["data"], "id")
    return [
        LocalModel(f"lm_studio/{n}", f"{n} (LM Studio)", f"{url}/v1", "lm_studio") for n in names
    ]
