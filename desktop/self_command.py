"""How Roundtable starts another process of its own: the provider worker, `models`.

From a checkout or an install that is this Python with ``-m desktop``; from the frozen
bundle it is the bundle's own executable (there is no Python to run ``-m`` with), which
``desktop.__main__`` then sends to the worker or the command.
"""

from __future__ import annotations

import sys

WORKER = "provider-worker"  # not a user's command: --help does not list it


def frozen() -> bool:
    """Whether this is the frozen bundle (PyInstaller sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def command(*args: str) -> list[str]:
    """The command line that runs ``roundtable ARGS`` as a new process."""
    if frozen():
        return [sys.executable, *args]
    return [sys.executable, "-m", "desktop", *args]
