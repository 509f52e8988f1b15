"""What the About box says: Roundtable's version and licence, and the libraries it is
built on with their versions and licences, read from their package metadata."""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass

from desktop import __version__

LICENCE = "MIT"
# The libraries the app itself runs on (their own dependencies are theirs), and why.
LIBRARIES = (
    ("PySide6-Essentials", "Qt for Python: the window"),
    ("shiboken6", "Qt for Python's bindings"),
    ("qasync", "asyncio on Qt's event loop"),
    ("litellm", "one interface to every model provider"),
    ("keyring", "API keys in the OS keyring"),
    ("platformdirs", "where settings and the library live"),
    ("httpx", "asking local model servers"),
    ("Pygments", "code highlighting"),
    ("markdown-it-py", "Markdown for posts"),
    ("mdformat", "writing exported Markdown back safely"),
    ("nh3", "sanitising posts"),
    ("pillow", "images"),
    ("pypdf", "PDFs"),
    ("cryptography", "encrypted PDFs"),
    ("charset-normalizer", "text files' encodings"),
)


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str
    role: str


def version() -> str:
    """Roundtable's version."""
    return __version__


def licence_of(metadata: importlib.metadata.PackageMetadata) -> str:
    """A package's licence in a few words: its SPDX expression, else a short License
    field, else its licence classifier; "not stated" when it says none."""
    fields = metadata.json
    expression = fields.get("license_expression")
    if expression:
        return str(expression)
    text = str(fields.get("license") or "").strip()
    if text and "\n" not in text and len(text) <= 60:
        return text
    for classifier in metadata.get_all("Classifier") or ():
        if classifier.startswith("License ::"):
            return str(classifier).rsplit("::", 1)[-1].strip()
    return "not stated"


def libraries() -> list[Library]:
    """Each library's version and licence, as installed (or bundled)."""
    found = []
    for name, role in LIBRARIES:
        try:
            metadata = importlib.metadata.metadata(name)
        except importlib.metadata.PackageNotFoundError:
            found.append(Library(name, "not found", "unknown", role))
            continue
        found.append(Library(name, str(metadata["Version"]), licence_of(metadata), role))
    return found
