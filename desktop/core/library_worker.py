"""The library on a thread of its own: the window never waits on SQLite or a file read.

Every call runs on one worker thread, in order (SQLite connections belong to the thread
that made them, and an index update and a search never race). Callers await the
result on their own event loop; progress of a refresh is handed back to that loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from desktop.core.library import Library, Refreshed
from desktop.core.library_index import Entry, Hit

T = TypeVar("T")


class LibraryWorker:
    """One library folder and its index, served from a worker thread."""

    def __init__(self, folder: Path, index: Path | None = None, drafts: Path | None = None) -> None:
        self.folder = folder
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="library")
        self._library = self._pool.submit(Library, folder, index, drafts)

    async def _call(self, work: Callable[[Library], T]) -> T:
        return await asyncio.wrap_future(self._pool.submit(lambda: work(self._library.result())))

    async def refresh(self, progress: Callable[[int, int], None] | None = None) -> Refreshed:
        """Bring the index up to date with the files; ``progress(done, total)`` on the
        caller's loop."""
        loop = asyncio.get_running_loop()

        def told(done: int, total: int) -> None:
            if progress is not None and (done == total or done % 25 == 0):
                loop.call_soon_threadsafe(progress, done, total)

        return await self._call(lambda library: library.refresh(told))

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
        """Finish what was asked, then close the index."""
        self._pool.submit(lambda: self._library.result().close())
        self._pool.shutdown(wait=True)
