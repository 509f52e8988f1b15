"""Reply → What was sent…: the request one answer replied to, readable and copyable.

The messages as the seat received them (``core.session.sent``), each under its role,
attachments as they went, and the settings the reply was asked with; "Copy as JSON"
puts the whole request on the clipboard. It is a stranger's text in part (answers
quoted, files): shown as plain text with direction overrides made visible, and bounded.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.records.model import Session
from desktop.core.session.sent import as_json, what_was_sent
from desktop.ui.utils.shown import plain_label, shown

MAX_SHOWN = 2_000_000  # characters the view holds; the JSON copied is whole


class SentDialog(QDialog):
    """What one reply was sent."""

    def __init__(self, session: Session, reply_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sent = what_was_sent(session, reply_id)
        self.setWindowTitle(shown(f"What {self.sent['seat']} was sent"))
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(f"{self.sent['seat']} · {self.sent['model']}"))
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("What was sent")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        readable = readable_request(self.sent)
        if len(readable) > MAX_SHOWN:
            readable = readable[:MAX_SHOWN] + "\n\n[… the rest is in the JSON copied]"
        self.text.setPlainText(shown(readable))
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy = QPushButton("Copy as &JSON")
        self.copy.setToolTip("The whole request as JSON (it holds no key)")
        self.copy.clicked.connect(self.copy_json)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_json(self) -> None:
        """Put the request, as JSON, on the clipboard."""
        QGuiApplication.clipboard().setText(as_json(self.sent))


def readable_request(sent: dict[str, Any]) -> str:
    """The request as a person reads it: the settings, then each message under its role."""
    lines = []
    settings = sent["settings"]
    if settings is None:
        lines.append("Settings: not kept with this answer (it was saved by an older Roundtable).")
    else:
        said = [f"{key.replace('_', ' ')}: {value}" for key, value in settings.items()
                if value not in (None, False)]  # fmt: skip
        lines.append("Settings: " + " · ".join(said))
        if settings.get("reasoning_effort") or settings.get("web_search"):
            lines.append("(Reasoning effort and web search go only to models litellm knows "
                         "take them.)")  # fmt: skip
    for message in sent["messages"]:
        lines += ["", f"── {message['role']} " + "─" * 40]
        content = message["content"]
        if isinstance(content, str):
            lines.append(content)
            continue
        for part in content:
            if part.get("type") == "attachment":
                lines.append(f"📎 {part['name']} ({part['file']}): {part['note']}")
                if "text" in part:
                    lines += ["┆ " + line for line in part["text"].splitlines()]
            else:
                lines.append(str(part.get("text", "")))
    return "\n".join(lines)
