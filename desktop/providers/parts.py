"""Attachments turned into the message parts each seat's model takes.

The engine sends neutral :data:`~desktop.core.records.events.ATTACHMENT_PART` references;
here, where litellm runs (the provider worker for the window, in-process for the CLI),
each becomes OpenAI-style parts that litellm translates per provider:

- images to a vision model: an ``image_url`` data URL (EXIF rotation baked in, GIF as
  its first frame, scaled down to the provider's limits, see ``image_prep``);
- PDFs to a model that takes them: a ``file`` part with the PDF as a data URL;
  otherwise the text pypdf extracts, in a fenced block, said so; a scan with no text
  layer gets a notice instead of an empty message;
- text files: inlined in a fenced block headed by the file name;
- anything a model cannot take: a notice text part, so the model knows a file was
  left out (never a silent drop).

Every attachment also yields a :class:`Delivery` saying how it went, for the pane and
the transcript. Conversions are cached, so re-sending history does not redo them.
"""

from __future__ import annotations

import base64
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from desktop.core.attachments import AttachmentError, attachment_from_bytes, describe
from desktop.core.attachments.limits import GB, MAX_FILE_SIZE, AttachmentLimits
from desktop.core.attachments.pdfs import PdfRefused, is_restricted, page_texts
from desktop.core.attachments.texts import decode
from desktop.core.records.events import ATTACHMENT_PART, Message, ReplyRequest
from desktop.core.records.model import Attachment, AttachmentKind, Delivery, DeliveryHow
from desktop.providers import keys
from desktop.providers.capabilities import Capabilities
from desktop.providers.image_prep import ImageLimits, limits_for, prepare_image

Part = dict[str, Any]

# Fence languages for inlined text files, by extension (the rest get a bare fence).
_LANGUAGES = {
    ".md": "markdown", ".py": "python", ".json": "json", ".csv": "csv", ".js": "javascript",
    ".ts": "typescript", ".tsx": "tsx", ".jsx": "jsx", ".html": "html", ".htm": "html",
    ".css": "css", ".xml": "xml", ".svg": "xml", ".yaml": "yaml", ".yml": "yaml",
    ".toml": "toml", ".sh": "bash", ".sql": "sql", ".rs": "rust", ".go": "go",
    ".java": "java", ".kt": "kotlin", ".c": "c", ".h": "c", ".cpp": "cpp", ".hpp": "cpp",
    ".cs": "csharp", ".rb": "ruby", ".php": "php", ".swift": "swift", ".tex": "latex",
    ".r": "r", ".lua": "lua", ".diff": "diff", ".patch": "diff", ".ini": "ini",
}  # fmt: skip


@dataclass(frozen=True)
class _Converted:
    parts: tuple[Part, ...]
    how: DeliveryHow
    note: str
    size: int  # characters held, for the cache's budget


def deliver(
    request: ReplyRequest, capabilities: Capabilities
) -> tuple[list[Message], list[Delivery]]:
    """The request's messages with every attachment reference replaced by the parts
    this seat takes, and how each attachment went (each once, in order)."""
    attachments = {a.id: a for a in request.attachments}
    images = limits_for(keys.provider_of(request.model))
    deliveries: dict[str, Delivery] = {}
    messages: list[Message] = []
    for message in request.messages:
        content = message["content"]
        if isinstance(content, list):
            parts: list[Part] = []
            for part in content:
                if part.get("type") != ATTACHMENT_PART:
                    parts.append(part)
                    continue
                attachment = attachments[part["attachment_id"]]
                converted = _convert(attachment, capabilities, images)
                parts.extend(converted.parts)
                deliveries.setdefault(
                    attachment.id, Delivery(attachment.id, converted.how, converted.note)
                )
            content = _collapsed(parts)
        messages.append({**message, "content": content})
    return messages, list(deliveries.values())


def _collapsed(parts: list[Part]) -> str | list[Part]:
    """Text-only content as one string: every provider and local server takes that."""
    if all(p.get("type") == "text" for p in parts):
        return "\n\n".join(p["text"] for p in parts)
    return parts


# -- conversions -------------------------------------------------------------------------


def _convert(attachment: Attachment, caps: Capabilities, images: ImageLimits) -> _Converted:
    """How one attachment goes to this seat; a file that breaks a converter is not sent,
    with a notice, rather than failing the whole reply."""
    try:
        return _converted(attachment, caps, images)
    except Exception as exc:  # Pillow and pypdf raise more than they document
        why = f"it could not be prepared ({type(exc).__name__}: {exc})"
        return _notice(attachment, why, f"not sent: {why}")


def _converted(attachment: Attachment, caps: Capabilities, images: ImageLimits) -> _Converted:
    if attachment.kind is None:
        # Saved without its facts (an older or foreign transcript): check it now.
        try:
            checked = attachment_from_bytes(attachment.name, attachment.data, _NO_LIMIT)
        except AttachmentError as exc:
            return _notice(attachment, f"it {exc.reason}", f"not sent: it {exc.reason}")
        checked.id = attachment.id
        attachment = checked
    if attachment.kind is AttachmentKind.IMAGE:
        if not caps.vision:
            return _notice(
                attachment,
                "this model does not take images",
                "not sent: this model does not take images (if it does, set vision = true "
                "for the seat)",
            )
        return _cached(attachment, ("image", images.provider), lambda: _image(attachment, images))
    if attachment.kind is AttachmentKind.PDF:
        if not caps.pdf:
            why = "this model does not take PDFs"
            return _cached(attachment, ("pdf_text",), lambda: _pdf_as_text(attachment, why))
        return _cached(attachment, ("pdf",), lambda: _pdf_for_a_pdf_model(attachment))
    return _cached(attachment, ("text",), lambda: _text(attachment))


# The limits were applied when the file was attached; a saved session is sent as it is,
# up to the size any file may be.
_NO_LIMIT = AttachmentLimits(per_file=MAX_FILE_SIZE, per_turn=1000 * GB)


def _image(attachment: Attachment, limits: ImageLimits) -> _Converted:
    prepared = prepare_image(attachment.data, attachment.mime_type, limits)
    encoded = base64.b64encode(prepared.data).decode("ascii")
    url = f"data:{prepared.mime_type};base64,{encoded}"
    parts = (_label(attachment), {"type": "image_url", "image_url": {"url": url}})
    extra = "".join(f"; {change}" for change in prepared.changes)
    if prepared.scaled_from is not None:
        w, h = prepared.scaled_from
        note = (
            f"downscaled from {w}×{h} to {prepared.width}×{prepared.height} (the most "
            f"{limits.provider} uses) and sent as an image{extra}"
        )
        return _Converted(parts, DeliveryHow.IMAGE_DOWNSCALED, note, len(url))
    return _Converted(parts, DeliveryHow.IMAGE, f"sent as an image{extra}", len(url))


def _pdf_for_a_pdf_model(attachment: Attachment) -> _Converted:
    if is_restricted(attachment.data):
        why = "the PDF has an owner password, and providers refuse such documents"
        return _pdf_as_text(attachment, why)
    return _pdf_native(attachment)


def _pdf_native(attachment: Attachment) -> _Converted:
    encoded = base64.b64encode(attachment.data).decode("ascii")
    data_url = f"data:application/pdf;base64,{encoded}"
    file_part = {"type": "file", "file": {"file_data": data_url, "filename": attachment.name}}
    pages = f" ({_count(attachment.pages, 'page')})" if attachment.pages else ""
    note = f"sent as the PDF itself{pages}"
    return _Converted((_label(attachment), file_part), DeliveryHow.PDF_NATIVE, note, len(encoded))


def _pdf_as_text(attachment: Attachment, why: str) -> _Converted:
    try:
        pages = page_texts(attachment.data)
    except PdfRefused as refused:
        return _notice(attachment, str(refused), f"not sent: it {refused}")
    if not any(page.strip() for page in pages):
        return _notice(
            attachment,
            "it is a scan with no text layer and this model does not take PDFs",
            "not sent: a scan with no text layer, and this model does not take PDFs (if it "
            "does, set pdf = true for the seat)",
        )
    body = "\n\n".join(f"--- Page {n} ---\n{text.strip()}" for n, text in enumerate(pages, 1))
    count = _count(len(pages), "page")
    heading = f"File: {attachment.name} (a PDF, sent as extracted text, {count})"
    text = f"{heading}\n{_fenced(body, '')}"
    note = f"sent as extracted text, {count} ({why})"
    return _Converted(({"type": "text", "text": text},), DeliveryHow.PDF_TEXT, note, len(text))


def _text(attachment: Attachment) -> _Converted:
    encoding = attachment.encoding or "UTF-8"
    try:
        body = decode(attachment.data, encoding)
    except (UnicodeDecodeError, LookupError):
        return _notice(
            attachment,
            f"it could not be decoded as {encoding}",
            f"not sent: it could not be decoded as {encoding}",
        )
    language = _LANGUAGES.get(PurePath(attachment.name).suffix.lower(), "")
    text = f"File: {attachment.name}\n{_fenced(body, language)}"
    lines = body.count("\n") + (0 if body.endswith("\n") or not body else 1)
    note = f"sent as text ({encoding}, {_count(lines, 'line')})"
    return _Converted(({"type": "text", "text": text},), DeliveryHow.TEXT_INLINE, note, len(text))


def _notice(attachment: Attachment, why: str, note: str) -> _Converted:
    """A text part telling the model a file was attached but could not be sent."""
    text = (
        f"[The user attached {attachment.name} ({describe(attachment)}), but it could not "
        f"be sent to you: {why}.]"
    )
    return _Converted(({"type": "text", "text": text},), DeliveryHow.NOT_SENT, note, len(text))


def _label(attachment: Attachment) -> Part:
    # litellm drops a file part's filename for Anthropic and Gemini, and images have
    # none: this names the file for the model, so "compare a.pdf and b.pdf" works.
    return {"type": "text", "text": f"Attached file: {attachment.name}"}


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'s' if number != 1 else ''}"


def _fenced(body: str, language: str) -> str:
    """A Markdown code block that the body's own backticks cannot close early."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{body.rstrip(chr(10))}\n{fence}"


# -- cache -------------------------------------------------------------------------------

_CACHE_BUDGET = 256 * 1024 * 1024  # characters of base64 and text kept
_cache: OrderedDict[tuple[str, ...], _Converted] = OrderedDict()
_cache_size = 0
_cache_lock = threading.Lock()


def _cached(
    attachment: Attachment, how: tuple[str, ...], make: Callable[[], _Converted]
) -> _Converted:
    """``make()``, remembered by (sha256, name, how): a seat's history re-sends the same
    files every turn, and several seats of one provider take the same form."""
    global _cache_size
    key = (attachment.sha256, attachment.name, *how)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    converted = make()
    with _cache_lock:
        if key not in _cache:
            _cache[key] = converted
            _cache_size += converted.size
        while _cache_size > _CACHE_BUDGET and len(_cache) > 1:
            _, dropped = _cache.popitem(last=False)
            _cache_size -= dropped.size
    return converted
