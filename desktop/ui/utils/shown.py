"""Untrusted text (seat labels, titles, file names, error texts) made safe to show.

Qt reads a label, tooltip or message box text as HTML when it merely looks like HTML,
and then loads images and follows links of any scheme; and Unicode direction overrides
make "a\u202efdp.exe" read as "aexe.pdf". Everything shown from a session, a model or a
file goes through here.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop.core.utils.visible_text import file_name as file_name
from desktop.core.utils.visible_text import file_name_of_title as file_name_of_title
from desktop.core.utils.visible_text import shown as shown


def tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as it is (tooltips have no plain-text setting)."""
    return f"<qt>{html.escape(shown(text)).replace(chr(10), '<br>')}</qt>"


def plain_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A label that shows ``text`` as text, never as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(shown(text))
    return label
