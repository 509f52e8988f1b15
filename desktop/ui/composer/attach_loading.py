"""Reading files (and pasted images) into attachments, off the UI thread.

Reading checks each file completely (decodes images, opens PDFs), which takes from
milliseconds to seconds; it runs on a worker thread, and so does making the chip's
thumbnail (QImage, unlike QPixmap, may be used off the GUI thread).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QImageReader, QImageWriter

from desktop.core.attachments import DEFAULT_LIMITS, AttachmentError, AttachmentLimits
from desktop.core.records.model import Attachment, AttachmentKind
from desktop.ui.composer.attachment_chips import THUMBNAIL_PX


@dataclass
class Loaded:
    """A file ready to attach, with its chip's summary and thumbnail."""

    attachment: Attachment
    summary: str
    thumbnail: QImage | None


@dataclass
class Refused:
    """A file that cannot be sent, and why, in words for the user."""

    message: str


async def load_files(
    paths: list[Path], limits: AttachmentLimits = DEFAULT_LIMITS
) -> list[Loaded | Refused]:
    """Read and check ``paths`` on a worker thread, in order."""
    return await asyncio.to_thread(lambda: [_load_path(p, limits) for p in paths])


async def load_pasted_image(
    image: QImage, limits: AttachmentLimits = DEFAULT_LIMITS
) -> list[Loaded | Refused]:
    """A pasted image as a PNG attachment (encoded on a worker thread), as a list like
    :func:`load_files` gives."""
    return [await asyncio.to_thread(_load_image, image, limits)]


# The reading functions are imported where they run, on the worker thread: they bring
# Pillow, pypdf and charset-normalizer (~0.2 s), which must stay out of the window's start.


def _load_path(path: Path, limits: AttachmentLimits) -> Loaded | Refused:
    from desktop.core.attachments import read_attachment

    try:
        return _loaded(read_attachment(path, limits))
    except AttachmentError as exc:
        return Refused(str(exc))
    except Exception as exc:  # a reader bug must still name the file, not lose it
        return Refused(f"{path}: could not be read ({type(exc).__name__}: {exc})")


def _load_image(image: QImage, limits: AttachmentLimits) -> Loaded | Refused:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        return Refused(f"Pasted image: could not be encoded ({writer.errorString()})")
    buffer.close()
    from desktop.core.attachments import attachment_from_bytes

    try:
        return _loaded(attachment_from_bytes("Pasted image.png", bytes(data.data()), limits))
    except AttachmentError as exc:
        return Refused(str(exc))


def _loaded(attachment: Attachment) -> Loaded:
    from desktop.core.attachments import describe

    return Loaded(attachment, describe(attachment), _thumbnail(attachment))


def _thumbnail(attachment: Attachment) -> QImage | None:
    if attachment.kind is not AttachmentKind.IMAGE:
        return None
    buffer = QBuffer()
    buffer.setData(QByteArray(attachment.data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)  # EXIF orientation, as the image is sent
    size = reader.size()
    if size.isValid() and size.width() > 0 and size.height() > 0:
        scale = THUMBNAIL_PX / max(size.width(), size.height())
        if scale < 1:
            reader.setScaledSize(size * scale)
    image = reader.read()
    return None if image.isNull() else image
