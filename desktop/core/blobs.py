"""Attachment bytes as base64, encoded once per content.

Autosave runs every 2 s while streaming and every send writes the files to the provider
worker; encoding a 30 MB attachment again each time froze the window for 0.2-0.5 s.
The bytes of an attachment never change (its sha256 names them), so the text is kept.
"""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict

from desktop.core.model import Attachment

_KEEP = 64  # attachments; a session rarely has more, and older ones are cheap to redo
_cache: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()  # the worker thread that saves and the loop may both ask


def base64_of(attachment: Attachment) -> bytes:
    """The attachment's bytes in base64 (ASCII), from the cache when seen before."""
    with _lock:
        cached = _cache.get(attachment.sha256)
        if cached is not None:
            _cache.move_to_end(attachment.sha256)
            return cached
    encoded = base64.b64encode(attachment.data)
    with _lock:
        _cache[attachment.sha256] = encoded
        while len(_cache) > _KEEP:
            _cache.popitem(last=False)
    return encoded
