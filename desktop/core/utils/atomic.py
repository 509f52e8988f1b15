"""Atomic file writes: a crash or power cut leaves the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path


def write_atomic(path: Path | str, data: bytes | Sequence[bytes]) -> None:
    """Write bytes (or pieces of them, in order) atomically: a temporary file in the
    same folder, fsync, rename, fsync the folder.

    A crash at any moment leaves either the old file or the new one, never a mix.
    Safe to call from a worker thread with what :func:`dumps` or :func:`dump_chunks` made.
    """
    pieces = [data] if isinstance(data, bytes) else data
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in pieces:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    # The rename is only durable once the folder's entry is on disk too (POSIX; Windows
    # has no O_DIRECTORY and no way to fsync a folder).
    if hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
