"""Untrusted text (seat labels, titles, file names, error texts) made safe to show.

Qt reads a label, tooltip or message box text as HTML when it merely looks like HTML,
and then loads images and follows links of any scheme; and Unicode direction overrides
make "a\u202efdp.exe" read as "aexe.pdf". Everything shown from a session, a model or a
file goes through here.
"""

from __future__ import annotations

import html
import unicodedata

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

# Invisible characters that change how the text around them reads. The zero width
# joiner stays: emoji sequences (👩‍💻) are built with it.
_KEPT_FORMAT = {"\u200d"}
_REPLACEMENT = "\ufffd"


def _hidden(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cf":
        return char not in _KEPT_FORMAT
    return category == "Cc" and char not in "\n\t"


def shown(text: str) -> str:
    """``text`` with direction overrides, other invisible format characters and control
    characters made visible as �, so what is read is what is there."""
    return "".join(_REPLACEMENT if _hidden(c) else c for c in text)


def file_name(text: str) -> str:
    """``text`` without those characters, for a name suggested when saving a file."""
    return "".join(c for c in text if not _hidden(c))


def tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as it is (tooltips have no plain-text setting)."""
    return f"<qt>{html.escape(shown(text)).replace(chr(10), '<br>')}</qt>"


def plain_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A label that shows ``text`` as text, never as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(shown(text))
    return label
