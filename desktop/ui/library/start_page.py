"""The start page: what Roundtable is for, a way in for every kind of start.

A newcomer with no key sees a sample session to open (a debate with an attachment,
annotations and a post, written by us), the way to add keys or a local model, and a
new session; someone coming back sees her recent sessions and the library. Nothing on
it needs a key, the network or the provider worker.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.utils.session_files import SAMPLE
from desktop.ui.utils.shown import shown

if TYPE_CHECKING:
    from desktop.providers.local_servers import LocalModel, LocalServer

LOCAL_SEATS = 3  # local models a first session starts with

KEYS_HELP = (
    "<b>To ask Claude, ChatGPT or Gemini</b>, each needs its API key: start a session and "
    "choose <i>Add key…</i> in a pane, or set <code>ANTHROPIC_API_KEY</code>, "
    "<code>OPENAI_API_KEY</code> or <code>GEMINI_API_KEY</code> before starting.<br>"
    "<b>For a model on this computer</b>, run Ollama or LM Studio, then choose "
    "<i>Session → Seats at the table…</i> (Ctrl+T) and give a seat the model "
    "<code>ollama_chat/NAME</code>. Nothing you review needs a key."
)


class StartPage(QWidget):
    """The page the window shows when it starts with nothing to open."""

    new_session = Signal()
    open_sample = Signal()
    open_file = Signal()
    open_library = Signal()
    open_recent = Signal(str)
    local_session = Signal()  # a new session with the local models offered

    def __init__(self) -> None:
        super().__init__()
        title = QLabel("<h1>Roundtable</h1>")
        intro = QLabel(
            "Ask several assistants the same question, compare their answers side by side, "
            "push back, and turn the exchange into a post."
        )
        intro.setWordWrap(True)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for label, signal in (
            ("New session", self.new_session),
            ("Open the sample session", self.open_sample),
            ("Open…", self.open_file),
            ("Library…", self.open_library),
        ):
            button = QPushButton(label)
            button.clicked.connect(signal)
            buttons.addWidget(button)
            self.buttons[label] = button
        buttons.addStretch()
        self.buttons["Open the sample session"].setEnabled(SAMPLE.is_file())
        self.buttons["New session"].setDefault(True)
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent sessions")
        self.recent.itemActivated.connect(
            lambda item: self.open_recent.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        keys = QLabel(KEYS_HELP)
        keys.setWordWrap(True)
        keys.setTextFormat(Qt.TextFormat.RichText)
        keys.setFrameShape(QFrame.Shape.StyledPanel)
        keys.setContentsMargins(10, 8, 10, 8)
        self.local = QLabel()
        self.local.setTextFormat(Qt.TextFormat.RichText)
        self.local.setWordWrap(True)
        self.local.hide()
        self.local_button = QPushButton("New session with these models")
        self.local_button.clicked.connect(self.local_session)
        self.local_button.hide()
        self.local_models: list[LocalModel] = []
        keys.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        keys.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.recent_label = QLabel("<b>Recent sessions</b>")
        column = QVBoxLayout()
        column.addStretch(1)  # the page's room goes above and below, not between lines
        for widget in (title, intro):
            column.addWidget(widget)
        column.addSpacing(12)
        column.addLayout(buttons)
        column.addSpacing(16)
        column.addWidget(self.recent_label)
        column.addWidget(self.recent, 3)
        column.addSpacing(12)
        column.addWidget(self.local)
        column.addWidget(self.local_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(keys)
        column.addStretch(2)
        centred = QHBoxLayout(self)
        centred.addStretch(1)
        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(760)
        centred.addWidget(box, 4)
        centred.addStretch(1)

    def offer_local(self, servers: list[LocalServer]) -> None:
        """Offer a session with the models of the servers found running here."""
        running = [s for s in servers if s.state == "running" and s.models]
        self.local_models = [m for s in running for m in s.models][:LOCAL_SEATS]
        if not running:
            return
        names = ", ".join(f"{s.name} ({len(s.models)} model{'' if len(s.models) == 1 else 's'})"
                          for s in running)  # fmt: skip
        chosen = ", ".join(m.label for m in self.local_models)
        # Model names come from the server: escaped, never markup.
        found = html.escape(shown(f"{names}. No key needed: {chosen}."))
        self.local.setText(f"<b>Found on this computer:</b> {found}")
        self.local.show()
        self.local_button.show()

    def show_recent(self, paths: list[str]) -> None:
        """The recent sessions, newest first (the ones still there)."""
        self.recent.clear()
        for path in paths:
            if Path(path).is_file():
                item = QListWidgetItem(shown(f"{Path(path).stem}    {Path(path).parent}"))
                item.setData(Qt.ItemDataRole.UserRole, path)
                self.recent.addItem(item)
        empty = self.recent.count() == 0
        self.recent.setHidden(empty)
        self.recent_label.setHidden(empty)
