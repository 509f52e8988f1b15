"""litellm's exceptions turned into error kinds with plain, actionable messages."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from typing import Any

from desktop.core.records.model import ErrorKind
from desktop.core.utils.redaction import redact
from desktop.providers import litellm_runtime
from desktop.providers.keys import lookup_places, provider_name


@dataclass(frozen=True)
class Classified:
    kind: ErrorKind
    message: str
    retry_after: float | None = None


_CONNECTION_WORDS = (
    "connection refused",
    "connection error",
    "cannot connect",
    "connecterror",
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "network is unreachable",
    "connection reset",
    "server disconnected",
)


def _status(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


def _headers(exc: BaseException) -> dict[str, str]:
    response = getattr(exc, "response", None)
    try:
        return {k.lower(): v for k, v in response.headers.items()} if response is not None else {}
    except Exception:  # litellm sometimes attaches a placeholder response without headers
        return {}


def retry_after_seconds(exc: BaseException) -> float | None:
    """The wait a provider asked for: a retry-after(-ms) header or Gemini's RetryInfo."""
    headers = _headers(exc)
    if "retry-after-ms" in headers:
        try:
            return float(headers["retry-after-ms"]) / 1000
        except ValueError:
            pass
    if "retry-after" in headers:
        try:
            return float(headers["retry-after"])
        except ValueError:
            pass
    text = str(exc)
    response = getattr(exc, "response", None)
    if response is not None:
        with contextlib.suppress(Exception):  # a streamed body may not be readable
            text += response.text
    match = re.search(r'"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"', text) or re.search(
        r"retry in (\d+(?:\.\d+)?) ?s", text, re.IGNORECASE
    )
    return float(match.group(1)) if match else None


def _detail(exc: BaseException, secrets: tuple[str | None, ...]) -> str:
    """The provider's own words, trimmed of litellm's prefixes and any key."""
    text = str(getattr(exc, "message", "") or exc)
    text = re.sub(r"^\w+(Error|Exception)?:\s*", "", text)
    text = re.sub(r"litellm\.\w+:\s*", "", text)
    text = re.sub(r"\b\w+Exception\s*-\s*", "", text)
    text = text.replace("Handle with `litellm.", "").split(" Original exception:")[0]
    body = re.search(r"\{.*\}", text, re.DOTALL)
    if body:
        try:
            parsed: Any = json.loads(body.group(0).replace("b'", "").rstrip("'"))
            found = _find_message(parsed)
            if found:
                text = found
        except ValueError:
            pass
    text = " ".join(text.split())
    return redact(text, secrets)[:400]  # redacted first: a key cut in half is not seen


def _find_message(data: Any) -> str | None:
    if isinstance(data, dict):
        if isinstance(data.get("message"), str):
            return str(data["message"])
        for value in data.values():
            found = _find_message(value)
            if found:
                return found
    if isinstance(data, list):
        for item in data:
            found = _find_message(item)
            if found:
                return found
    return None


def _is_connection_problem(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionError | OSError) and not isinstance(current, TimeoutError):
            return True
        text = f"{type(current).__name__} {current}".lower()
        if any(word in text for word in _CONNECTION_WORDS):
            return True
        current = (
            current.__cause__ or current.__context__ or getattr(current, "original_exception", None)
        )
    return False


def classify(
    exc: BaseException,
    *,
    provider: str,
    api_key_env: str | None = None,
    secrets: tuple[str | None, ...] = (),
    text_so_far: str = "",
) -> Classified:
    """Map an exception raised while calling litellm to an error kind and a message."""
    errors = litellm_runtime.load().exceptions
    name = provider_name(provider)
    detail = _detail(exc, secrets)

    if isinstance(exc, errors.MidStreamFallbackError):
        original = getattr(exc, "original_exception", None)
        arrived = text_so_far or getattr(exc, "generated_content", "") or ""
        if arrived or original is None:
            return Classified(
                ErrorKind.NETWORK,
                f"The answer from {name} was cut off after {len(arrived)} characters "
                f"({detail or 'connection lost'}). "
                "The text that arrived is kept; retry to ask again.",
            )
        return classify(original, provider=provider, api_key_env=api_key_env, secrets=secrets)

    if isinstance(exc, errors.AuthenticationError):
        return Classified(
            ErrorKind.AUTH,
            f"{name} rejected the API key ({detail or 'authentication failed'}). "
            f"Roundtable looks for it in {lookup_places(provider, api_key_env)}.",
        )
    if isinstance(exc, errors.RateLimitError):
        wait = retry_after_seconds(exc)
        when = f"wait {wait:g} s and retry" if wait is not None else "wait a little and retry"
        return Classified(
            ErrorKind.RATE_LIMITED, f"{name} is rate limiting requests: {when}. ({detail})", wait
        )
    if isinstance(exc, errors.ContextWindowExceededError) or _looks_too_long(detail):
        return Classified(
            ErrorKind.CONTEXT_TOO_LONG,
            f"The conversation is too long for this model ({detail}). Shorten the prompt or "
            "attachments, or start a new session with this seat.",
        )
    if isinstance(exc, errors.Timeout | TimeoutError):
        return Classified(
            ErrorKind.TIMEOUT, f"{name} stopped answering (timed out). Retry, or try later."
        )
    if isinstance(exc, errors.NotFoundError):
        return Classified(
            ErrorKind.BAD_REQUEST, f"{name} does not know this model or address ({detail})."
        )
    if isinstance(exc, errors.BadRequestError):
        return Classified(ErrorKind.BAD_REQUEST, f"{name} refused the request ({detail}).")
    if isinstance(exc, errors.APIConnectionError) or _is_connection_problem(exc):
        return Classified(
            ErrorKind.NETWORK,
            f"Could not reach {name} ({detail or 'network error'}). Check the connection "
            "and the seat's address, then retry.",
        )
    status = _status(exc)
    where = f"error {status}" if status else type(exc).__name__
    return Classified(
        ErrorKind.PROVIDER_ERROR, f"{name} had a problem ({where}: {detail}). Retry, or try later."
    )


def _looks_too_long(detail: str) -> bool:
    lowered = detail.lower()
    return any(
        phrase in lowered
        for phrase in (
            "prompt is too long",
            "context length",
            "context window",
            "context_length_exceeded",
            "input token count exceeds",
        )
    )
