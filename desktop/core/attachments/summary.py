"""A short description of an attachment, for chips and listings."""

from __future__ import annotations

from desktop.core.attachments import texts
from desktop.core.attachments.limits import human_size
from desktop.core.records.model import Attachment, AttachmentKind

_IMAGE_NAMES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP", "image/gif": "GIF"}


def describe(attachment: Attachment) -> str:
    """E.g. "PNG image · 1656×2552 · 616 KB", "PDF · 4 pages · 914 KB",
    "Text (ISO-8859-1) · 2.0 KB"."""
    size = human_size(attachment.size)
    if attachment.kind is AttachmentKind.IMAGE:
        name = _IMAGE_NAMES.get(attachment.mime_type, attachment.mime_type)
        dims = (
            f" · {attachment.width}×{attachment.height}"
            if attachment.width and attachment.height
            else ""
        )
        return f"{name} image{dims} · {size}"
    if attachment.kind is AttachmentKind.PDF:
        parts = ["PDF"]
        if attachment.pages is not None:
            parts.append(f"{attachment.pages} page{'s' if attachment.pages != 1 else ''}")
        parts.append(size)
        if attachment.has_text is False:
            parts.append("no text layer (scan)")
        return " · ".join(parts)
    if attachment.kind is AttachmentKind.TEXT:
        encoding = f" ({attachment.encoding})" if attachment.encoding else ""
        return f"{texts.label_for(attachment.mime_type)}{encoding} · {size}"
    return f"{attachment.mime_type} · {size}"
