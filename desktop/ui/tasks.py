"""Background jobs of the window, each kept alive until it ends.

qasync's slots keep no reference to the tasks they start, so a job nobody holds can be
collected mid-way; every window job goes through one :class:`Tasks`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class Tasks:
    """A set of running tasks."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` on the loop, holding it until it ends."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def __bool__(self) -> bool:
        return bool(self._tasks)

    async def wait(self) -> None:
        """Wait until every job (and any job they started) has ended."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
