"""The one place litellm is imported: lazily, quietly and without network access.

``import litellm`` costs seconds and ~180 MB, so nothing imports it at the import of
``desktop``; callers get the module from :func:`load` when they first need it.
"""

from __future__ import annotations

import logging
import os
import threading
from types import ModuleType

_lock = threading.Lock()
_module: ModuleType | None = None

_NOISY_LOGGERS = ("LiteLLM", "LiteLLM Proxy", "LiteLLM Router", "litellm")


def load() -> ModuleType:
    """Import and configure litellm once (thread-safe); returns the module."""
    global _module
    with _lock:
        if _module is None:
            # Without this litellm fetches its cost map from the network at import.
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            import litellm

            litellm.suppress_debug_info = True
            # OpenAI's Responses API models (gpt-5-pro and the like) say what they
            # thought only when asked for a summary of it: the pane shows it.
            litellm.reasoning_auto_summary = True
            for name in _NOISY_LOGGERS:
                logger = logging.getLogger(name)
                logger.handlers.clear()
                logger.addHandler(logging.NullHandler())
                logger.propagate = False
            _module = litellm
        return _module


async def close_clients() -> None:
    """Close litellm's cached async HTTP clients on the running loop (call before exit)."""
    if _module is not None:
        await _module.close_litellm_async_clients()
