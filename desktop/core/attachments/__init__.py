"""Attachments: reading and checking files at attach time, and describing them.

No Qt, no litellm; the reading is blocking (callers run it in a thread). How an
attachment is then sent to each seat is decided where litellm is
(``desktop.providers.parts``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from desktop.core.attachments.limits import (
    DEFAULT_LIMITS,
    MAX_FILE_SIZE,
    MB,
    AttachmentError,
    AttachmentLimits,
    check_turn_size,
    human_size,
)

if TYPE_CHECKING:
    from desktop.core.attachments.reading import (
        attachment_from_bytes,
        read_attachment,
        save_attachment_out,
    )
    from desktop.core.attachments.summary import describe
    from desktop.core.attachments.texts import text_of

# Pillow, pypdf and charset-normalizer take ~0.2 s to import. The engine (and so the
# window) imports this package at start for the limits; only these need them.
_LAZY = {
    "attachment_from_bytes": "reading",
    "read_attachment": "reading",
    "save_attachment_out": "reading",
    "describe": "summary",
    "text_of": "texts",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_LIMITS",
    "MAX_FILE_SIZE",
    "MB",
    "AttachmentError",
    "AttachmentLimits",
    "attachment_from_bytes",
    "check_turn_size",
    "describe",
    "human_size",
    "read_attachment",
    "save_attachment_out",
    "text_of",
]
