"""Writing a session file from the event loop without blocking it, and without ever
letting an older write land after a newer one."""

from __future__ import annotations

import asyncio
from pathlib import Path


async def write_off_thread(path: Path, chunks: list[bytes]) -> None:
    """Write ``chunks`` to ``path`` atomically on a worker thread.

    A cancelled caller still waits for the thread to finish: the thread cannot be
    stopped, and were the caller's write lock released at once, a later write could
    land first and this older one overwrite it.
    """
    from desktop.core import transcript  # looked up per call: tests slow the disk down

    write = asyncio.ensure_future(asyncio.to_thread(transcript.write_atomic, path, chunks))
    try:
        await asyncio.shield(write)
    except asyncio.CancelledError:
        await asyncio.wait([write])
        raise
