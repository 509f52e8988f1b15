"""Writing a session file from the event loop without blocking it, and without ever
letting an older write land after a newer one.

A :data:`Writer` is given the session's snapshot (made on the loop's thread by
``transcript.encode_for_save``, a walk over its objects) and does the rest on a worker
thread: the check that the loader would read it back, the JSON, the bytes and the
atomic write. The document is handed its writer (a test hands it a slow disk).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.utils.atomic import write_atomic

if TYPE_CHECKING:
    from desktop.core.transcript import Encoded

Writer = Callable[[Path, "Encoded"], Awaitable[None]]
WriteBytes = Callable[[Path, list[bytes]], None]


def off_thread(write: WriteBytes = write_atomic) -> Writer:
    """A writer that makes the bytes and writes them with ``write`` on a worker thread.

    A cancelled caller still waits for the thread to finish: the thread cannot be
    stopped, and were the caller's write lock released at once, a later write could
    land first and this older one overwrite it.
    """

    async def writer(path: Path, encoded: Encoded) -> None:
        job = asyncio.ensure_future(asyncio.to_thread(_serialise_and_write, write, path, encoded))
        try:
            await asyncio.shield(job)
        except asyncio.CancelledError:
            await asyncio.wait([job])
            raise

    return writer


def _serialise_and_write(write: WriteBytes, path: Path, encoded: Encoded) -> None:
    from desktop.core.transcript import chunks_of  # not for the window's first paint

    write(path, chunks_of(encoded))
