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

from desktop.core.model import Seat
from desktop.providers.local_servers import LocalModel, LocalServer
from desktop.ui.shown import shown

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

LOCAL_SEATS = 3  # local models a first session starts with
SAMPLE = Path(__file__).resolve().parent.parent.parent / "resources" / "sample-session.json"

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


def wire_start_page(window: MainWindow) -> None:
    """Each way in on the start page, to the window's own action for it."""
    page, spawn = window.start_page, window.tasks.spawn
    page.new_session.connect(lambda: window.show_start(False))
    page.open_sample.connect(lambda: spawn(window.review.open_sample()))
    page.open_file.connect(window.files.open_dialog)
    page.open_library.connect(window.library.show)
    page.open_recent.connect(lambda path: window.files.open_recent(Path(path)))
    page.local_session.connect(lambda: start_local(window))


async def find_local(window: MainWindow) -> None:
    """Look for model servers on this computer (at most a second) and offer their models."""
    from desktop.providers.local_servers import find_local_servers

    window.start_page.offer_local(await find_local_servers())


def start_local(window: MainWindow) -> None:
    """A new session whose seats are the local models offered (the user's own choice:
    their addresses are approved)."""
    seats = [Seat(m.label, m.model, api_base=m.api_base) for m in window.start_page.local_models]
    if not seats:
        return
    approvals = window.document.approvals
    if approvals is not None:
        try:
            approvals.approve(seats)
        except OSError as exc:
            window.say(f"Approved until Roundtable quits (not kept: {exc.strerror or exc}).")
    window.document.new(seats)
    window.show_start(False)
