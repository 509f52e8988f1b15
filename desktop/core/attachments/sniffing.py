"""What a file is, from its first bytes (and its name where bytes can't say).

Content decides, not the extension: a JPEG named ``.png`` is a JPEG. Types Roundtable
cannot send are recognised by their signatures so the refusal can name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from desktop.core.records.model import AttachmentKind


@dataclass(frozen=True)
class Sniffed:
    kind: AttachmentKind
    mime_type: str
    # Pillow's format name, for images.
    image_format: str | None = None


# (signature, offset, what it is) for files Roundtable recognises but does not send.
_UNSUPPORTED: tuple[tuple[bytes, int, str], ...] = (
    (b"PK\x03\x04", 0, "a ZIP archive"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"BZh", 0, "a bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "an xz archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "an old Microsoft Office document"),
    (b"\x7fELF", 0, "a program (ELF executable)"),
    (b"MZ", 0, "a Windows program"),
    (b"\xcf\xfa\xed\xfe", 0, "a macOS program"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
    (b"BM", 0, "a BMP image"),
    (b"II*\x00", 0, "a TIFF image"),
    (b"MM\x00*", 0, "a TIFF image"),
    (b"\x00\x00\x01\x00", 0, "an icon (ICO)"),
    (b"8BPS", 0, "a Photoshop document"),
    (b"%!PS", 0, "a PostScript file"),
    (b"ID3", 0, "an MP3 audio file"),
    (b"OggS", 0, "an Ogg audio or video file"),
    (b"fLaC", 0, "a FLAC audio file"),
    (b"\x1aE\xdf\xa3", 0, "a Matroska or WebM video"),
    (b"wOFF", 0, "a web font"),
    (b"wOF2", 0, "a web font"),
)

# ISO base media files (MP4, MOV, HEIC, AVIF) say what they are in their "ftyp" box.
_FTYP_BRANDS = {
    b"heic": "a HEIC image",
    b"heix": "a HEIC image",
    b"mif1": "a HEIF image",
    b"avif": "an AVIF image",
    b"qt  ": "a QuickTime video",
}

_OFFICE = {
    ".docx": "a Word document",
    ".xlsx": "an Excel workbook",
    ".pptx": "a PowerPoint presentation",
    ".odt": "an OpenDocument text",
    ".ods": "an OpenDocument spreadsheet",
    ".odp": "an OpenDocument presentation",
    ".epub": "an EPUB book",
}

# How far into a file a PDF header may start (readers accept leading junk).
_PDF_HEADER_WINDOW = 1024


def sniff(data: bytes) -> Sniffed | None:
    """An image or PDF recognised by its signature, or None (maybe text, maybe not)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(AttachmentKind.IMAGE, "image/png", "PNG")
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed(AttachmentKind.IMAGE, "image/jpeg", "JPEG")
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed(AttachmentKind.IMAGE, "image/gif", "GIF")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Sniffed(AttachmentKind.IMAGE, "image/webp", "WEBP")
    header = data.find(b"%PDF-", 0, _PDF_HEADER_WINDOW)
    if header == 0 or (header > 0 and not _looks_like_text(data[:header])):
        return Sniffed(AttachmentKind.PDF, "application/pdf")
    return None


def _looks_like_text(prefix: bytes) -> bool:
    """Whether what comes before a "%PDF-" reads as text: then it is a note or a script
    that mentions PDFs, not a PDF with junk in front of its header."""
    try:
        decoded = prefix.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\t\r\n" for ch in decoded)


def unsupported_type(data: bytes, name: str) -> str | None:
    """What a file Roundtable cannot send is ("a ZIP archive"), if its bytes say so."""
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"PK\x03\x04") and suffix in _OFFICE:
        return f"{_OFFICE[suffix]} ({suffix})"
    if data[:4] == b"RIFF":
        form = data[8:12]
        return {b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}.get(form, "a RIFF media file")
    if data[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(data[8:12], "an MP4 video or audio file")
    for signature, offset, what in _UNSUPPORTED:
        if data[offset : offset + len(signature)] == signature:
            return what
    return None
