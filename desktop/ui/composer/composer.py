"""The shared composer: one text box, the seats it goes to, Send, quick takes, Debate."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QAction, QImage, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.records.model import Attachment, Seat
from desktop.core.session.recovery import Draft
from desktop.ui.composer.attachment_chips import AttachmentChips
from desktop.ui.utils.shown import shown, tooltip
from desktop.ui.widgets.sideways_row import SidewaysRow

QUICK_TAKES = (
    "Here's my less diplomatic take: …",
    "What do you think of {seat}'s answer?",
    "You're being too cautious. Commit to one answer and defend it.",
    "Give me the strongest argument against what you just said.",
    "Summarise your position in three sentences.",
)


class PromptEdit(QPlainTextEdit):
    """The prompt box; Ctrl+Enter sends from here even when no menu shortcut fires.

    Files dropped or pasted here become attachments, and so does a pasted image,
    instead of their paths or nothing being typed into the prompt.
    """

    submitted = Signal()
    files_offered = Signal(list)  # list[Path]
    image_pasted = Signal(QImage)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return (
            bool(local_files(source)) or source.hasImage() or super().canInsertFromMimeData(source)
        )

    def insertFromMimeData(self, source: QMimeData) -> None:
        files = local_files(source)
        if files:
            self.files_offered.emit(files)
        elif source.hasImage() and not source.hasText():
            # Spreadsheet cells come as text and a picture of them: the text is meant.
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.image_pasted.emit(image)
        else:
            super().insertFromMimeData(source)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def local_files(source: QMimeData) -> list[Path]:
    """The local files a drop or paste carries (web links are not files)."""
    if not source.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in source.urls() if url.isLocalFile()]


class Composer(QWidget):
    """Emits send_requested(text, seat ids, attachments), debate_requested(seat ids), and
    files_offered(paths) / image_pasted(image) for the window to read off the UI thread.

    After a send the window calls :meth:`sent` (the prompt and chips are cleared only
    once the turn was accepted, so a refused send loses nothing).
    """

    send_requested = Signal(str, list, list)
    debate_requested = Signal(list)
    files_offered = Signal(list)
    attach_asked = Signal()  # Attach… was pressed: the files are chosen elsewhere
    image_pasted = Signal(QImage)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = PromptEdit()
        self.editor.submitted.connect(self.submit)
        self.editor.setPlaceholderText("Ask every seat… (Ctrl+Enter sends, Esc stops all)")
        self.editor.setAccessibleName("Prompt")
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self.refresh)
        self.editor.files_offered.connect(self.files_offered)
        self.editor.image_pasted.connect(self.image_pasted)
        self.chips = AttachmentChips()
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Attachment problems")
        self.notice.hide()

        self.attach = QPushButton("Attach…")
        self.attach.setToolTip(
            "Attach files to send with the prompt (Ctrl+Shift+A); you can also drop files "
            "or paste an image"
        )
        self.attach.clicked.connect(self.attach_asked)

        # The seat toggles scroll sideways when there are many: they must never make the
        # window wider than the screen.
        self.targets_area = SidewaysRow("Send to")
        self.targets_area.append(QLabel("To:"))
        self.checks: dict[str, QCheckBox] = {}
        self._seats: list[Seat] = []

        self.quick = QToolButton()
        self.quick.setText("Quick takes")
        self.quick.setAccessibleName("Quick takes")
        self.quick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.quick.setMenu(QMenu(self.quick))

        self.blind = QCheckBox("Blind")
        self.blind.setToolTip(
            "Hide which model answered (names, models, colours, costs) until you vote"
        )
        self.debate = QPushButton("Debate round")
        self.debate.setToolTip("Each selected seat gets the other seats' latest answers (Ctrl+D)")
        self.debate.clicked.connect(lambda: self.debate_requested.emit(self.selected()))

        self.send = QPushButton("Send")
        self.send.setDefault(True)
        self.send.setToolTip("Send to the selected seats (Ctrl+Enter)")
        self.send.clicked.connect(self.submit)
        self.reason = QLabel("")
        self.reason.setStyleSheet("color: palette(mid);")
        self.reason.setAccessibleName("Why Send is disabled")

        bottom = QHBoxLayout()
        bottom.addWidget(self.targets_area, 1)
        bottom.addWidget(self.reason)
        bottom.addWidget(self.blind)
        bottom.addWidget(self.attach)
        bottom.addWidget(self.quick)
        bottom.addWidget(self.debate)
        bottom.addWidget(self.send)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 6)
        layout.addWidget(self.chips)
        layout.addWidget(self.notice)
        layout.addWidget(self.editor, 1)
        layout.addLayout(bottom)
        self._blocked_reason = ""
        self._reading = 0
        self._fill_quick_takes()
        self.refresh()

    def set_seats(self, seats: list[Seat], names: dict[str, str] | None = None) -> None:
        """One toggle per seat, all selected; with ``names`` (a blind round), each goes
        by its name there ("Seat A") and they come in that order."""
        for check in self.checks.values():
            self.targets_area.discard(check)
        self.checks = {}
        if names:
            seats = sorted(seats, key=lambda s: names.get(s.id, "~"))
        self._seats = list(seats)
        for number, seat in enumerate(seats, 1):
            label = names.get(seat.id, "Seat ?") if names else seat.label
            check = QCheckBox(shown(label))
            check.setChecked(True)
            check.setToolTip(tooltip(f"Send to {label} (pane {number})"))
            check.toggled.connect(self.refresh)
            self.targets_area.append(check)
            self.checks[seat.id] = check
        self._fill_quick_takes()
        self.refresh()

    def selected(self) -> list[str]:
        return [seat_id for seat_id, check in self.checks.items() if check.isChecked()]

    def select_only(self, seat_ids: list[str]) -> None:
        for seat_id, check in self.checks.items():
            check.setChecked(seat_id in seat_ids)

    def block(self, reason: str) -> None:
        """Disable sending with a reason (empty to allow again)."""
        self._blocked_reason = reason
        self.refresh()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """While files are read for attaching, Send waits for them (loads may overlap)."""
        self._reading += 1
        self.refresh()
        try:
            yield
        finally:
            self._reading -= 1
            self.refresh()

    def refresh(self) -> None:
        reason = self._blocked_reason or ("Reading files…" if self._reading else "")
        if not reason and not self.checks:
            reason = "Add a seat first"
        elif not reason and not self.selected():
            reason = "Choose at least one seat"
        elif not reason and not self.editor.toPlainText().strip():
            reason = "Type a prompt"
        self.send.setEnabled(not reason)
        self.reason.setText(reason)
        self.debate.setEnabled(
            not self._blocked_reason and len(self.selected()) >= 1 and len(self.checks) >= 2
        )

    def submit(self) -> None:
        if not self.send.isEnabled():
            return
        text = self.editor.toPlainText().strip()
        self.send_requested.emit(text, self.selected(), self.chips.attachments())

    def sent(self) -> None:
        """The turn was accepted: clear the prompt and the attachments."""
        self.editor.clear()
        self.chips.clear()
        self.show_problems([])

    def draft(self) -> Draft:
        """The unsent prompt and files, as they are now (the session document reads it
        when it autosaves, for recovery)."""
        return Draft(self.editor.toPlainText(), self.chips.attachments())

    def restore_draft(self, draft: Draft) -> None:
        """Put a recovered draft back (thumbnails are not kept; the name and kind are)."""
        self.editor.setPlainText(draft.text)
        self.chips.clear()
        if draft.attachments:
            from desktop.core.attachments import describe  # Pillow & co. load on first use

            for attachment in draft.attachments:
                self.chips.add(attachment, describe(attachment), None)

    def add_attachment(
        self, attachment: Attachment, summary: str, thumbnail: QImage | None
    ) -> None:
        self.chips.add(attachment, summary, thumbnail)

    def show_problems(self, messages: list[str]) -> None:
        """Say which files could not be attached, and why (empty to clear)."""
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        # A red that reads on the palette in use (the darker one is dim on dark grey).
        self.notice.setStyleSheet(f"color: {'#ff7b6b' if dark else '#c0392b'};")
        self.notice.setText("\n".join(f"Not attached: {m}" for m in messages))
        self.notice.setVisible(bool(messages))

    def insert(self, text: str) -> None:
        self.editor.insertPlainText(text)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def quote(self, text: str) -> None:
        quoted = "\n".join(f"> {line}" for line in text.splitlines())
        self.insert(f"{quoted}\n\n")

    def _fill_quick_takes(self) -> None:
        menu = self.quick.menu()
        menu.clear()
        first = self._seats[0].label if self._seats else "the other assistant"
        for template in QUICK_TAKES:
            text = template.replace("{seat}", first)
            action = QAction(text, menu)
            action.triggered.connect(lambda _=False, t=text: self.insert(t.replace("…", "")))
            menu.addAction(action)
