"""Background jobs of the window, each kept alive until it ends, and none failing unseen.

qasync's slots keep no reference to the tasks they start, so a job nobody holds can be
collected mid-way; every window job goes through one :class:`Tasks`. A job that ends
with an exception (anything but being cancelled) has one failure path: it is logged
with its traceback and ``failed`` tells the user what went wrong.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger("roundtable.tasks")


class Tasks:
    """A set of running tasks; ``failed(exc)`` is told of each that raised."""

    def __init__(self, failed: Callable[[BaseException], None] | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._failed = failed

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` on the loop, holding it until it ends."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._ended)
        return task

    def _ended(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled() or task.exception() is None:
            return
        failure = task.exception()
        assert failure is not None
        log.error("A background job failed", exc_info=failure)
        if self._failed is not None:
            self._failed(failure)

    def __bool__(self) -> bool:
        return bool(self._tasks)

    async def wait(self) -> None:
        """Wait until every job (and any job they started) has ended."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
