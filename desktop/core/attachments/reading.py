"""Reading a file to attach: checked before it is read, and read only if it can be sent.

Blocking (it reads files and decodes images and PDFs): the window calls it in a thread.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from desktop.core.attachments import images, pdfs, texts
from desktop.core.attachments.limits import (
    DEFAULT_LIMITS,
    AttachmentError,
    AttachmentLimits,
    check_file_size,
)
from desktop.core.attachments.sniffing import sniff, unsupported_type
from desktop.core.records.model import Attachment, AttachmentKind
from desktop.core.utils.atomic import write_atomic
from desktop.core.utils.regular_files import FileRefused, not_a_file, open_regular

SUPPORTED = "Roundtable sends images (PNG, JPEG, WebP, GIF), PDFs and text files"


def read_attachment(path: Path | str, limits: AttachmentLimits = DEFAULT_LIMITS) -> Attachment:
    """Read and check the file at ``path``; AttachmentError (naming it) if it can't be sent.

    The file is looked at with ``stat`` first: anything but a regular file (a folder, a
    FIFO, a device) and anything over the size limit is refused without being opened
    or read.
    """
    shown = str(path)
    try:
        _check_status(shown, os.stat(path), limits)
        fd = open_regular(path)
    except FileRefused as refused:
        raise AttachmentError(shown, str(refused)) from None
    except OSError as exc:
        raise AttachmentError(shown, _os_reason(exc)) from None
    with os.fdopen(fd, "rb") as handle:
        try:
            # open_regular checked the kind of what was opened; its size is checked here.
            _check_status(shown, os.fstat(handle.fileno()), limits)
            data = handle.read(limits.per_file + 1)
        except OSError as exc:
            raise AttachmentError(shown, _os_reason(exc)) from None
    check_file_size(shown, len(data), limits)  # it grew while being read
    return _build(shown, Path(path).name, data, limits, None)


def attachment_from_bytes(
    name: str,
    data: bytes,
    limits: AttachmentLimits = DEFAULT_LIMITS,
    mime_type: str | None = None,
) -> Attachment:
    """Check bytes that are not a file (a pasted image) and make an attachment of them.

    The type comes from the content; ``mime_type`` only says which kind of text a
    text file is when its name does not.
    """
    check_file_size(name, len(data), limits)
    return _build(name, name, data, limits, mime_type)


def save_attachment_out(attachment: Attachment, path: Path | str) -> None:
    """Write an attachment's bytes to ``path`` atomically (saving it out of a session)."""
    write_atomic(path, attachment.data)


def _check_status(shown: str, status: os.stat_result, limits: AttachmentLimits) -> None:
    if stat.S_ISDIR(status.st_mode):
        raise AttachmentError(shown, "is a folder; attach the files in it one by one")
    reason = not_a_file(status.st_mode)
    if reason is not None:
        raise AttachmentError(shown, reason)
    check_file_size(shown, status.st_size, limits)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "was not found (it may have been moved or deleted)"
    if isinstance(exc, PermissionError):
        return "cannot be read: permission denied"
    return f"cannot be read: {exc.strerror or exc}"


def _build(
    shown: str, name: str, data: bytes, limits: AttachmentLimits, hint: str | None
) -> Attachment:
    if not data:
        raise AttachmentError(shown, "is empty")
    attachment = Attachment(
        name=name, mime_type="", data=data, sha256=hashlib.sha256(data).hexdigest()
    )
    sniffed = sniff(data)
    try:
        if sniffed is not None and sniffed.kind is AttachmentKind.IMAGE:
            assert sniffed.image_format is not None
            facts = images.inspect_image(data, sniffed.image_format)
            attachment.width, attachment.height = facts.width, facts.height
        elif sniffed is not None and sniffed.kind is AttachmentKind.PDF:
            pdf = pdfs.inspect_pdf(data)
            attachment.pages, attachment.has_text = pdf.pages, pdf.has_text
    except (images.ImageRefused, pdfs.PdfRefused) as refused:
        raise AttachmentError(shown, str(refused)) from None
    if sniffed is not None:
        attachment.kind, attachment.mime_type = sniffed.kind, sniffed.mime_type
        return attachment
    encoding = texts.detect_encoding(data)
    if encoding is None:
        what = unsupported_type(data, name) or "binary data of a type Roundtable does not know"
        raise AttachmentError(shown, f"is {what}, which cannot be sent. {SUPPORTED}")
    attachment.kind = AttachmentKind.TEXT
    attachment.mime_type = texts.mime_type_for(name, hint)
    attachment.encoding = encoding
    return attachment
