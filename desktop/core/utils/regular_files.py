"""Reading a file a stranger may have put there: only a regular file, and only so much.

A path handed to the app (a session to open, one in the library folder, one named in
the library's list) may be a FIFO, which blocks the reader for ever, a device such as
/dev/zero, which never ends, or a sparse file of gigabytes. Each is looked at with
``stat`` before it is opened, opened without blocking, looked at again through the open
descriptor (the path may have been swapped in between), and read no further than the
limit allows.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Never block on a FIFO or become a terminal's controlling process, whatever the path
# turned into since it was checked.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_OPEN_FLAGS |= getattr(os, "O_BINARY", 0)


class FileRefused(Exception):
    """A path that is not a regular file, or a file over the limit; ``str()`` says which,
    in words that follow the file's name ("is a pipe (FIFO), not a file; …")."""


def not_a_file(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not read (a folder, a FIFO, a device), or None
    for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a pipe (FIFO), not a file; nothing was read from it"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file; nothing was read from it"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is not a regular file"


def open_regular(path: Path | str) -> int:
    """A descriptor of ``path`` opened for reading without blocking; FileRefused unless it
    is a regular file (checked before and after opening), OSError if it cannot be opened."""
    _check(os.stat(path).st_mode)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        _check(os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular_file(path: Path | str, limit: int, too_large: str) -> bytes:
    """The bytes of the regular file at ``path``; FileRefused when it is not one or holds
    more than ``limit`` bytes (``too_large`` is then the reason), OSError when it cannot
    be read."""
    status = os.stat(path)
    _check(status.st_mode)
    if status.st_size > limit:
        raise FileRefused(too_large)
    with os.fdopen(open_regular(path), "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew while it was read
        raise FileRefused(too_large)
    return data


def _check(mode: int) -> None:
    reason = not_a_file(mode)
    if reason is not None:
        raise FileRefused(reason)
