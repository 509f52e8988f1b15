"""The in-process gateway: one litellm streaming call per reply, as typed events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from desktop.core.records.events import (
    Channel,
    Delivered,
    Event,
    Failed,
    Finished,
    Message,
    ReasoningSealed,
    ReplyRequest,
    SourcesFound,
    Started,
    TextDelta,
    UsageReport,
)
from desktop.core.records.evidence import ReasoningBlock
from desktop.core.records.model import ErrorKind
from desktop.providers import (
    capabilities,
    keys,
    litellm_runtime,
    parts,
    routing,
    search_fees,
    web_citations,
)
from desktop.providers.errors import Classified, classify


@dataclass(frozen=True)
class RetryPolicy:
    """Our own retries (litellm's are off): only before any text arrived, never for
    auth, bad-request or too-long errors, and never for a wait longer than
    ``max_wait`` seconds (the user is better told to wait)."""

    attempts: int = 3
    base_delay: float = 1.0
    max_wait: float = 10.0

    def delay(self, failure: Classified, attempt: int) -> float | None:
        """Seconds to wait before try ``attempt + 1``, or None to give up."""
        if attempt >= self.attempts:
            return None
        if failure.kind is ErrorKind.RATE_LIMITED:
            wait = (
                failure.retry_after
                if failure.retry_after is not None
                else self.base_delay * 2.0**attempt
            )
            return wait if wait <= self.max_wait else None
        if failure.kind in (ErrorKind.NETWORK, ErrorKind.PROVIDER_ERROR, ErrorKind.TIMEOUT):
            return self.base_delay * 2.0 ** (attempt - 1)
        return None


KeyFinder = Callable[[str, str | None], keys.KeyLookup]


class LiteLLMGateway:
    """Streams replies through litellm in this process (the CLI and tests use it)."""

    def __init__(
        self,
        retry: RetryPolicy | None = None,
        timeout: float = 300.0,
        find_key: KeyFinder = keys.find_key,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.team_gateway: str | None = None  # see Gateway
        self._find_key = find_key

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[Event, None]:
        """Yield Started, TextDelta…, UsageReport, then Finished — or Failed.

        A request with attachments first yields Delivered: how each goes to this seat.
        """
        route = routing.route(request)
        provider = route.provider
        litellm = await asyncio.to_thread(litellm_runtime.load)
        lookup = await asyncio.to_thread(self._find_key, provider, route.api_key_env)
        # A base URL is no reason to go keyless: litellm refuses a keyless OpenAI-family
        # call itself, with a confusing "provider error" after the request was built.
        if lookup.key is None and provider not in keys.KEYLESS:
            notes = "".join(f" ({note})" for note in lookup.notes)
            yield Failed(
                ErrorKind.AUTH,
                f"No API key for {keys.provider_name(provider)}{notes}. Roundtable looks in "
                f"{keys.lookup_places(provider, route.api_key_env)}.",
            )
            return
        messages = request.messages
        if request.attachments:
            # Capability lookup and image/PDF work are blocking: off the loop.
            caps = await asyncio.to_thread(
                capabilities.resolve, request.model, request.vision, request.pdf
            )
            try:
                messages, deliveries = await asyncio.to_thread(parts.deliver, request, caps)
            except Exception as exc:  # a file that slipped past the checks must not hang
                yield Failed(
                    ErrorKind.INTERNAL,
                    f"An attachment could not be prepared for this model "
                    f"({type(exc).__name__}: {exc}). Remove it and send again.",
                )
                return
            yield Delivered(tuple(deliveries))
        kwargs = self._kwargs(request, route, lookup.key, messages)
        attempt = 0
        while True:
            attempt += 1
            received: list[str] = []
            try:
                async for event in self._attempt(litellm, kwargs, provider, received):
                    yield event
                return
            except Exception as exc:
                failure = classify(
                    exc,
                    provider=provider,
                    api_key_env=route.api_key_env,
                    secrets=(lookup.key,),
                    text_so_far="".join(received),
                )
                delay = None if received else self.retry.delay(failure, attempt)
                if delay is None:
                    yield Failed(failure.kind, failure.message, failure.retry_after)
                    return
                await asyncio.sleep(delay)

    def _kwargs(
        self, request: ReplyRequest, route: routing.Route, key: str | None, messages: list[Message]
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": route.model,
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_retries": 0,
            "timeout": self.timeout,
        }
        optional = {
            "api_base": route.api_base,
            "api_key": key,
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "reasoning_effort": (
                request.reasoning_effort
                if request.reasoning_effort and capabilities.takes_reasoning_effort(request.model)
                else None
            ),
        }
        kwargs.update({k: v for k, v in optional.items() if v is not None})
        if request.web_search and capabilities.can_search(request.model):
            kwargs["web_search_options"] = (
                {"search_context_size": request.search_context} if request.search_context else {}
            )
        return kwargs

    async def _attempt(
        self, litellm: Any, kwargs: dict[str, Any], provider: str, received: list[str]
    ) -> AsyncIterator[Event]:
        finish_reason: str | None = None
        model: str | None = None
        seals: dict[int, ReasoningBlock] = {}  # by litellm's index of thinking blocks
        sources = web_citations.SourceReader(byte_offsets=provider in ("gemini", "vertex_ai"))
        # Leaving this block in any way (end, error, cancel, generator closed) closes
        # the HTTP stream at once.
        async with await litellm.acompletion(**kwargs) as response:
            yield Started()
            async for chunk in response:
                model = getattr(chunk, "model", None) or model
                if found := sources.from_chunk(chunk):
                    yield SourcesFound(tuple(found))
                for choice in chunk.choices or ():
                    # litellm gives every provider's thinking as reasoning_content.
                    thought = getattr(choice.delta, "reasoning_content", None)
                    if isinstance(thought, str) and thought:
                        received.append(thought)
                        yield TextDelta(thought, Channel.REASONING)
                    _seal(seals, getattr(choice.delta, "thinking_blocks", None))
                    content = getattr(choice.delta, "content", None)
                    if content:
                        received.append(content)
                        yield TextDelta(content)
                        if found := sources.answered(content):
                            yield SourcesFound(tuple(found))
                    # After the text: Gemini's last chunk cites the text it carries.
                    if found := sources.from_delta(choice.delta):
                        yield SourcesFound(tuple(found))
                    finish_reason = choice.finish_reason or finish_reason
                usage = getattr(chunk, "usage", None)
                if usage is not None:
                    details = getattr(usage, "completion_tokens_details", None)
                    reasoning = getattr(details, "reasoning_tokens", None)
                    yield UsageReport(
                        getattr(usage, "prompt_tokens", None),
                        getattr(usage, "completion_tokens", None),
                        getattr(usage, "cost", None),
                        reasoning if isinstance(reasoning, int) else None,
                        web_citations.web_searches(usage),
                        search_fees.fee_of(litellm, provider, kwargs, usage),
                    )
        if seals:
            yield ReasoningSealed(tuple(seals[i] for i in sorted(seals)))
        yield Finished(finish_reason, model)

    def use_key(self, provider: str, key: str | None) -> None:
        """Use ``key`` for ``provider`` in this process only, never stored."""
        keys.use_session_key(provider, key)

    def keep_only(self, sha256s: set[str]) -> None:
        """Nothing to free: attachments ride in each request and are not kept."""

    async def aclose(self) -> None:
        """Close litellm's HTTP clients on this loop."""
        await litellm_runtime.close_clients()


def _seal(seals: dict[int, ReasoningBlock], blocks: object) -> None:
    """Keep the signatures and encrypted thinking of litellm's ``thinking_blocks`` (the
    text of each arrives as ``reasoning_content`` too, and is the reply's reasoning)."""
    if not isinstance(blocks, list):
        return
    for block in blocks:
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            continue
        index = block.get("index", 0)
        index = index if isinstance(index, int) else 0
        kept = seals.setdefault(index, ReasoningBlock(block["type"]))
        for key in ("signature", "data"):
            value = block.get(key)
            if isinstance(value, str) and value:
                setattr(kept, key, value)
