"""PDF attachments: page count, text layer and extracted text, through pypdf.

pypdf reads damaged files in non-strict mode (repairing broken cross-references, as
viewers do); a file it still cannot read, or an encrypted one, is refused.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from pypdf import PdfReader

# pypdf logs each repair it makes ("incorrect startxref pointer") at WARNING; with no
# handler configured Python would print them on the CLI's stderr.
_quiet_logger = logging.getLogger("pypdf")
_quiet_logger.setLevel(logging.ERROR)


class PdfRefused(Exception):
    """Why a PDF cannot be used (the caller adds the file's name)."""


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    has_text: bool


def _open(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    # pypdf raises many types (PdfReadError, ValueError, KeyError, RecursionError…)
    # on damaged input; any of them means "cannot be read".
    except Exception as exc:
        raise PdfRefused(f"is damaged and cannot be read as a PDF ({exc})") from None
    # An owner password alone (no password to open) only restricts printing or copying:
    # the text reads with an empty password, so the file is kept (sent as its text).
    if encrypted and not _opens_without_password(reader):
        raise PdfRefused(
            "is password-protected (encrypted); models cannot read encrypted PDFs. Save a copy "
            "without the password (e.g. print it to a new PDF) and attach that"
        )
    return reader


def _opens_without_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # see _open: an unusual encryption is treated as a password
        return False


def is_restricted(data: bytes) -> bool:
    """Whether a readable PDF is encrypted (an owner password): providers refuse those
    as documents, so its text is sent instead."""
    try:
        return PdfReader(io.BytesIO(data), strict=False).is_encrypted
    except Exception:  # damaged files were refused when attached
        return False


def inspect_pdf(data: bytes) -> PdfFacts:
    """The page count and whether any page has text; PdfRefused if unusable."""
    reader = _open(data)
    try:
        pages = len(reader.pages)
        # Stop at the first page with text: a long paper is known to have a text layer
        # after one page, only a scan is read to the end.
        has_text = any(page.extract_text().strip() for page in reader.pages)
    except Exception as exc:  # see _open
        raise PdfRefused(f"is damaged and cannot be read as a PDF ({exc})") from None
    if pages == 0:
        raise PdfRefused("has no pages")
    return PdfFacts(pages, has_text)


def page_texts(data: bytes) -> list[str]:
    """The extracted text of every page, in order (empty strings for pages without)."""
    reader = _open(data)
    try:
        return [page.extract_text() for page in reader.pages]
    except Exception as exc:  # see _open
        raise PdfRefused(f"is damaged and cannot be read as a PDF ({exc})") from None
