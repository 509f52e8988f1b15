"""Attachment bytes as base64, encoded once per content, in a cache bounded in bytes.

Autosave runs every 2 s while streaming and every send writes the files to the provider
worker; encoding a 30 MB attachment again each time froze the window for 0.2-0.5 s.
The bytes of an attachment never change (its sha256 names them), so the text is kept,
but only up to a budget in bytes: counted in entries, a few big files kept gigabytes.
"""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict

from desktop.core.records.model import Attachment

# A few of the largest files a turn may carry; past it, the least recently used go.
CACHE_BUDGET = 128 * 1024 * 1024


class Base64Cache:
    """Base64 text of attachments by sha256, least recently used dropped past ``budget``.

    Thread-safe: the thread that saves and the event loop both ask. A file whose text
    alone is over the budget is encoded each time and never kept.
    """

    def __init__(self, budget: int = CACHE_BUDGET) -> None:
        self.budget = budget
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """Bytes of base64 text held now (never above the budget)."""
        with self._lock:
            return self._bytes

    def encode(self, attachment: Attachment) -> bytes:
        """The attachment's bytes in base64 (ASCII), from the cache when seen before."""
        with self._lock:
            cached = self._entries.get(attachment.sha256)
            if cached is not None:
                self._entries.move_to_end(attachment.sha256)
                return cached
        encoded = base64.b64encode(attachment.data)  # outside the lock: it takes a while
        if len(encoded) > self.budget:
            return encoded
        with self._lock:
            if attachment.sha256 not in self._entries:
                self._entries[attachment.sha256] = encoded
                self._bytes += len(encoded)
            while self._bytes > self.budget:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)
        return encoded


_shared = Base64Cache()


def base64_of(attachment: Attachment) -> bytes:
    """The attachment's bytes in base64 (ASCII), from the process-wide cache."""
    return _shared.encode(attachment)


def cached_bytes() -> int:
    """Bytes the process-wide cache holds now (at most :data:`CACHE_BUDGET`)."""
    return _shared.size
