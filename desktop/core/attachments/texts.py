"""Text attachments: is it text, in which encoding, and what kind of text.

UTF-8 is tried first (with or without a byte-order mark), then UTF-16/32 by their
marks, then charset-normalizer's guess. Text is accepted with stray control bytes (logs,
test corpora), but not when they make up a real share of it: that is binary data.
"""

from __future__ import annotations

import codecs
import re
from pathlib import PurePath

import charset_normalizer

from desktop.core.records.model import Attachment

# Marks that settle the encoding; UTF-32 first, since its LE mark starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)

# Above this share of control characters (other than tab, newline, CR, form feed and
# escape), "text" is really binary data that happens to decode.
_MAX_CONTROL_SHARE = 0.05
# Unicode's control characters (category Cc: C0, DEL, C1) but tab, newline, carriage
# return, form feed and escape (terminal colours in logs).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f-\x9f]")

# The encodings non-UTF-8 text files are in today, most used first. charset-normalizer
# only weighs these: left to itself it ranks rare DOS code pages (cp775, Baltic) above
# Windows-1252 for French and Spanish text. On a tie the more used encoding wins.
_CANDIDATES = (
    "cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "cp866", "iso8859_5",
    "shift_jis", "cp932", "euc_jp", "gb18030", "big5", "euc_kr", "cp949", "cp1250",
    "iso8859_2", "cp1253", "iso8859_7", "cp1254", "iso8859_9", "cp1255", "iso8859_8",
    "cp1256", "cp1257", "cp1258", "cp874", "mac_roman",
)  # fmt: skip

# Python codec names → the standard names stored in transcripts and shown to people
# (every one is also accepted by codecs.lookup, so a transcript decodes anywhere).
_STANDARD_NAMES = {
    "latin_1": "ISO-8859-1",
    "shift_jis": "Shift_JIS",
    "euc_jp": "EUC-JP",
    "gb18030": "GB18030",
    "gb2312": "GB2312",
    "big5": "Big5",
    "euc_kr": "EUC-KR",
    "koi8_r": "KOI8-R",
    "mac_roman": "macintosh",
}

_MIME_BY_SUFFIX = {
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".toml": "application/toml",
    ".css": "text/css",
    ".js": "text/javascript",
    ".py": "text/x-python",
    ".rst": "text/x-rst",
    ".tex": "text/x-tex",
}

_LABELS = {
    "text/markdown": "Markdown",
    "text/csv": "CSV",
    "application/json": "JSON",
    "text/html": "HTML",
    "application/xml": "XML",
}


def standard_name(codec: str) -> str:
    """The standard (IANA) name of a Python codec: "ISO-8859-1", "windows-1252"…"""
    name = codecs.lookup(codec).name
    if name in _STANDARD_NAMES:
        return _STANDARD_NAMES[name]
    if match := re.fullmatch(r"cp(125\d)", name):
        return f"windows-{match[1]}"
    if match := re.fullmatch(r"iso8859-(\d+)", name):
        return f"ISO-8859-{match[1]}"
    if name.startswith("utf-"):
        return name.upper()
    return name


def detect_encoding(data: bytes) -> str | None:
    """The encoding ``data`` is text in (a standard name), or None if it isn't text."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name if _is_text(data, name) else None
    if b"\x00" in data:
        return None
    if _is_text(data, "UTF-8"):
        return "UTF-8"
    guesses = list(charset_normalizer.from_bytes(data, cp_isolation=list(_CANDIDATES)))
    if not guesses:
        return None
    rank = {codec: i for i, codec in enumerate(_CANDIDATES)}
    # Each guess lists the encodings that read the bytes identically; any of them will do.
    _, _, _, codec = min(
        (g.chaos, rank.get(c, len(rank)), -g.coherence, c)
        for g in guesses
        for c in g.could_be_from_charset
    )
    # Windows-1252 differs from ISO-8859-1 only in bytes 0x80–0x9F; without them the
    # file is plain Latin-1, the more exact name.
    if codec == "cp1252" and not any(0x80 <= byte <= 0x9F for byte in data):
        codec = "latin_1"
    name = standard_name(codec)
    return name if _is_text(data, name) else None


def _is_text(data: bytes, encoding: str) -> bool:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    if not text:
        return True
    # A regex count instead of a per-character loop: 6 s for a 28 MB file, holding the
    # GIL in bursts that stalled the window by up to 275 ms.
    controls = sum(1 for _ in _CONTROL.finditer(text))
    return controls / len(text) <= _MAX_CONTROL_SHARE


def decode(data: bytes, encoding: str) -> str:
    """The text of a file in ``encoding``, without a byte-order mark."""
    return data.decode(encoding).removeprefix("\ufeff")


def text_of(attachment: Attachment) -> str:
    """The text of a text attachment, decoded as detected when it was attached."""
    return decode(attachment.data, attachment.encoding or "UTF-8")


def mime_type_for(name: str, hint: str | None = None) -> str:
    """The MIME type of a text file, from its extension (or the caller's hint)."""
    suffix = PurePath(name).suffix.lower()
    if suffix in _MIME_BY_SUFFIX:
        return _MIME_BY_SUFFIX[suffix]
    if hint is not None and hint.startswith("text/"):
        return hint
    return "text/plain"


def label_for(mime_type: str) -> str:
    """What kind of text it is, for people: "Markdown", "CSV", "JSON" or "Text"."""
    return _LABELS.get(mime_type, "Text")
