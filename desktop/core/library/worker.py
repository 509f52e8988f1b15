"""The library on a thread of its own: the window never waits on SQLite or a file read.

Every call runs on one worker thread, in order (SQLite connections belong to the thread
that made them, and an index update and a search never race). Callers await the
result on their own event loop; progress of a refresh is handed back to that loop.
Closing never waits either: the thread closes the index after the work it was given,
and it is a daemon, so not even the app's exit waits on a read of a slow disk.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from desktop.core.library.folder import Library, Refreshed
from desktop.core.library.index import Entry, Hit
from desktop.core.library.scoreboard import ModelLine, sessions_in, tally

T = TypeVar("T")


class _OwnThread:
    """One daemon thread running the calls given to it, in order."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = (
            queue.SimpleQueue()
        )
        threading.Thread(target=self._run, name="library", daemon=True).start()

    def submit(self, call: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._calls.put((future, call))
        return future

    def stop(self) -> None:
        """End the thread once the calls given so far are done; returns at once."""
        self._calls.put(None)

    def _run(self) -> None:
        while (item := self._calls.get()) is not None:
            future, call = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as exc:  # handed to the caller, who awaits the future
                future.set_exception(exc)


class LibraryWorker:
    """One library folder and its index, served from a worker thread."""

    def __init__(self, folder: Path, index: Path | None = None, drafts: Path | None = None) -> None:
        self.folder = folder
        self._thread = _OwnThread()
        self._library = self._thread.submit(lambda: Library(folder, index, drafts))

    async def _call(self, work: Callable[[Library], T]) -> T:
        return await asyncio.wrap_future(self._thread.submit(lambda: work(self._library.result())))

    async def refresh(self, progress: Callable[[int, int], None] | None = None) -> Refreshed:
        """Bring the index up to date with the files; ``progress(done, total)`` on the
        caller's loop."""
        loop = asyncio.get_running_loop()

        def told(done: int, total: int) -> None:
            if progress is not None and (done == total or done % 25 == 0):
                loop.call_soon_threadsafe(progress, done, total)

        return await self._call(lambda library: library.refresh(told))

    async def scoreboard(
        self, tag: str | None = None, since: datetime | None = None
    ) -> list[ModelLine]:
        """The scoreboard over the library's sessions (each file read on the thread)."""
        return await self._call(lambda library: tally(sessions_in(library), tag, since))

    async def entries(self) -> list[Entry]:
        """Every session listed, newest first."""
        return await self._call(lambda library: library.index.entries())

    async def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Search results, best first (QueryError for a query FTS5 rejects)."""
        return await self._call(lambda library: library.index.search(query, limit))

    async def saved(self, path: Path) -> None:
        """``path`` was just written: list and index it."""
        await self._call(lambda library: library.saved(path))

    def close(self) -> None:
        """Close the index once what was asked is done, without waiting for it."""
        self._thread.submit(lambda: self._library.result().close())
        self._thread.stop()
