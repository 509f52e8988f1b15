"""Size limits for attachments, the error every refusal raises, and sizes for people."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop.core.records.model import Attachment

KB = 1024
MB = 1024 * KB
GB = 1024 * MB

# The largest file any limit may allow. The window sends a file to its provider worker
# as one line of base64, and lines are capped (desktop.providers.protocol.MAX_LINE,
# 64 MB: 45 MB of file in base64 is 60 MB); no provider takes a larger file anyway.
MAX_FILE_SIZE = 45 * MB


class AttachmentError(Exception):
    """A file that cannot be attached or sent; ``str()`` names the file and says why."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class AttachmentLimits:
    """How big one file and all the files of one turn may be, in bytes.

    The defaults sit near the providers' own request limits: Anthropic takes requests
    of up to 32 MB (its PDF limit too), OpenAI up to 50 MB of files per request, Gemini
    20 MB of inline data. 30 MB per file keeps one PDF under the strictest large-file
    limit; 50 MB per turn is OpenAI's total. Images are usually smaller once downscaled
    for a seat, and a provider that still refuses says so in its pane.
    """

    per_file: int = 30 * MB
    per_turn: int = 50 * MB

    def __post_init__(self) -> None:
        if self.per_file <= 0 or self.per_turn <= 0:
            raise ValueError("attachment limits must be above 0 bytes")
        if self.per_file > MAX_FILE_SIZE:
            raise ValueError(f"no file may be over {MAX_FILE_SIZE // MB} MB")


DEFAULT_LIMITS = AttachmentLimits()


def human_size(size: int) -> str:
    """A byte count as people read it: "940 bytes", "2.0 KB", "616 KB", "1.4 MB"."""
    if size < KB:
        return f"{size} bytes" if size != 1 else "1 byte"
    for unit, scale in (("KB", KB), ("MB", MB), ("GB", GB)):
        value = size / scale
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")


def check_file_size(name: str, size: int, limits: AttachmentLimits) -> None:
    """Refuse a file above the per-file limit (before any of it is read)."""
    if size > limits.per_file:
        raise AttachmentError(
            name,
            f"is {human_size(size)}; the limit is {human_size(limits.per_file)} per file",
        )


def check_turn_size(attachments: Iterable[Attachment], limits: AttachmentLimits) -> None:
    """Refuse a turn whose attachments together are above the per-turn limit."""
    chosen = list(attachments)
    total = sum(a.size for a in chosen)
    if total > limits.per_turn:
        names = ", ".join(a.name for a in chosen)
        raise AttachmentError(
            names,
            f"together these files are {human_size(total)}; the limit is "
            f"{human_size(limits.per_turn)} per turn",
        )
