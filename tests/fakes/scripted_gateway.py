"""An in-memory gateway the test feeds event by event: no litellm, no subprocess.

For fast engine and document tests where the test decides exactly when each event of
each reply arrives. Provider behaviour (wire formats, errors, keys) is tested against
the fake provider server instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from desktop.core.records.events import Event, Failed, Finished, ReplyRequest, Started, TextDelta


class ScriptedGateway:
    """Replies for model M stream whatever the test feeds to M, until Finished or Failed."""

    def __init__(self) -> None:
        self.requests: list[ReplyRequest] = []
        self.team_gateway: str | None = None
        self.kept: list[set[str]] = []
        self._queues: dict[str, asyncio.Queue[Event]] = {}

    def _queue(self, model: str) -> asyncio.Queue[Event]:
        return self._queues.setdefault(model, asyncio.Queue())

    def feed(self, model: str, *events: Event) -> None:
        """Events for the next (or current) reply of ``model``, in order."""
        for event in events:
            self._queue(model).put_nowait(event)

    def answer(self, model: str, text: str) -> None:
        """A whole, successful reply for ``model``."""
        self.feed(model, Started(), TextDelta(text), Finished(model_reported=model))

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[Event, None]:
        """Yield what was fed for the request's model, ending with Finished or Failed."""
        self.requests.append(request)
        queue = self._queue(request.model)
        while True:
            event = await queue.get()
            yield event
            if isinstance(event, Finished | Failed):
                return

    def keep_only(self, sha256s: set[str]) -> None:
        """Record which attachments a new session still needs."""
        self.kept.append(set(sha256s))

    def use_key(self, provider: str, key: str | None) -> None:
        """Keys do not matter to scripted answers."""

    async def aclose(self) -> None:
        """Nothing to close."""
