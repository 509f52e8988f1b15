"""Background jobs of the window, each kept alive until it ends.

qasync's slots keep no reference to the tasks they start, so a job nobody holds can be
collected mid-way; every window job goes through one :class:`Tasks`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any


class Tasks:
    """A set of running tasks; ``on_change`` is called when one starts or ends."""

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._on_change = on_change

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` on the loop, holding it until it ends."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._ended)
        self._changed()
        return task

    def _ended(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def __bool__(self) -> bool:
        return bool(self._tasks)

    async def wait(self) -> None:
        """Wait until every job (and any job they started) has ended."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
