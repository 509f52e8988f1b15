"""The library window: every saved session, filtered and sorted, and a search box that
searches as you type, each result showing the matching words in context.

It only shows what it is given (``show_entries``, ``show_hits``) and says what the user
asked for (``searched``, ``opened``); the index work runs elsewhere, off the UI thread.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.library.index import MARK_END, MARK_START, Entry, Hit
from desktop.ui.utils.shown import shown

_MARKS = re.compile(r"\*+|`+|(?<!\w)__?|__?(?!\w)")
SEARCH_MS = 150  # the search runs this long after the last key
DATES = (("Any time", None), ("Past week", 7), ("Past month", 31), ("Past year", 366))
SORTS = ("Newest first", "Oldest first", "Title", "Most turns")
KINDS = {"prompt": "your prompt", "comment": "your comment", "post": "your post",
         "title": "the title"}  # fmt: skip
ROLE_PATH = Qt.ItemDataRole.UserRole
ROLE_TARGET = Qt.ItemDataRole.UserRole + 1  # (reply or turn id, matched words)


def snippet_html(snippet: str) -> str:
    """A snippet as rich text: escaped, its matched words in bold, the Markdown marks
    of the reply's text (emphasis, code) left out."""
    plain = _MARKS.sub("", " ".join(shown(snippet).split()))
    escaped = html.escape(plain)
    return escaped.replace(MARK_START, "<b>").replace(MARK_END, "</b>")


def matched_words(snippet: str) -> str:
    """The first words a snippet marks as matched."""
    start = snippet.find(MARK_START)
    end = snippet.find(MARK_END, start)
    return snippet[start + 1 : end] if 0 <= start < end else ""


class LibraryWindow(QDialog):
    """The library; ``searched(query)`` as she types, ``opened(path, target, words)``."""

    searched = Signal(str)
    opened = Signal(str, str, str)
    change_folder = Signal()
    open_sample = Signal()
    scoreboard = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Library — Roundtable")
        self.setWindowFlag(Qt.WindowType.Window)
        self.entries: list[Entry] = []
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search every prompt, answer, comment and post")
        self.query.setAccessibleName("Search the library")
        self.query.setClearButtonEnabled(True)
        self._typing = QTimer(self, singleShot=True, interval=SEARCH_MS)
        self._typing.timeout.connect(lambda: self.searched.emit(self.query.text().strip()))
        self.query.textChanged.connect(self._typing.start)
        self.query.returnPressed.connect(self._open_first)
        self.folder = QLabel()
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        change = QPushButton("Change folder…")
        change.setAutoDefault(False)  # Enter in the search box opens a result, not this
        change.clicked.connect(self.change_folder)
        board = QPushButton("Scoreboard")
        board.setAutoDefault(False)
        board.setToolTip("Who has won so far: the votes, strengths and peer places")
        board.clicked.connect(self.scoreboard)
        top = QHBoxLayout()
        top.addWidget(self.folder, 1)
        top.addWidget(board)
        top.addWidget(change)
        self.seat = QComboBox()
        self.seat.setAccessibleName("Seat or model")
        self.date = QComboBox()
        for label, days in DATES:
            self.date.addItem(label, days)
        self.tag = QComboBox()
        self.tag.setAccessibleName("Tag")
        self.starred = QCheckBox("Starred")
        self.has_post = QCheckBox("Has a post")
        self.sort = QComboBox()
        self.sort.addItems(SORTS)
        filters = QHBoxLayout()
        for widget in (self.seat, self.date, self.tag, self.starred, self.has_post):
            filters.addWidget(widget)
        filters.addStretch()
        filters.addWidget(QLabel("Sort"))
        filters.addWidget(self.sort)
        for combo in (self.seat, self.date, self.tag, self.sort):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._fill_list)
        for box in (self.starred, self.has_post):
            box.toggled.connect(self._fill_list)
        self.list = QListWidget()
        self.list.setAccessibleName("Sessions")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activated)
        self.status = QLabel()
        self.results = QStackedWidget()
        self.results.addWidget(self.list)
        self.results.addWidget(self._empty_page())
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.query)
        column.addLayout(filters)
        column.addWidget(self.results, 1)
        column.addWidget(self.status)
        QShortcut(QKeySequence("Ctrl+F"), self, self.query.setFocus)
        self.resize(900, 640)

    def _empty_page(self) -> QWidget:
        """What a library with no session in it says: how sessions get there."""
        page = QWidget()
        text = QLabel(
            "<h3>No sessions here yet</h3>"
            "<p>Every session you save (File → Save, Ctrl+S) is listed here, and so is every "
            "session in the library folder. To use a folder that already holds sessions, "
            "choose <b>Change folder…</b> above.</p>"
            "<p>To see what a saved session looks like, open the sample: a debate with "
            "its commentary and post.</p>"
        )
        text.setTextFormat(Qt.TextFormat.RichText)  # our own words only
        text.setWordWrap(True)
        text.setFixedWidth(520)  # a fixed width, so that the wrapped text gets its height
        sample = QPushButton("Open the sample session")
        sample.setAutoDefault(False)
        sample.clicked.connect(self.open_sample)
        column = QVBoxLayout(page)
        column.addStretch(1)
        for widget in (text, sample):
            row = QHBoxLayout()
            row.addStretch()
            row.addWidget(widget)
            row.addStretch()
            column.addLayout(row)
        column.addStretch(2)
        return page

    @property
    def showing_empty(self) -> bool:
        """Whether the library holds no session at all, and says how sessions get there."""
        return self.results.currentIndex() == 1

    # -- what it shows -------------------------------------------------------------------

    def set_folder(self, folder: Path) -> None:
        """Say which folder is the library."""
        self.folder.setText(shown(f"Library folder: {folder}"))

    def say(self, text: str) -> None:
        """A line under the list: progress, counts, a query the index could not run."""
        self.status.setText(shown(text))

    def show_entries(self, entries: list[Entry]) -> None:
        """The sessions to list (the filters and sort apply to them)."""
        self.entries = entries
        self.results.setCurrentIndex(0 if entries else 1)
        for combo, values in (
            (self.seat, sorted({v for e in entries for v in e.seats + e.models})),
            (self.tag, sorted({t for e in entries for t in e.tags})),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("Every seat" if combo is self.seat else "Any tag", None)
            for value in values:
                combo.addItem(shown(value), value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        if not self.query.text().strip():
            self._fill_list()

    def show_hits(self, query: str, hits: list[Hit]) -> None:
        """Search results, best first, each with its words in context."""
        if query != self.query.text().strip():
            return  # she typed on meanwhile: a newer search is coming
        self.list.clear()
        self.list.setUniformItemSizes(False)  # a snippet may wrap
        for hit in hits:
            title = hit.title or Path(hit.path).stem
            where = hit.seat or KINDS.get(hit.kind, hit.kind)
            label = QLabel(
                f"<b>{html.escape(shown(title))}</b> — {html.escape(shown(where))}<br>"
                f"{snippet_html(hit.snippet)}"
            )
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setContentsMargins(6, 4, 6, 4)
            item = QListWidgetItem()
            item.setData(ROLE_PATH, hit.path)
            item.setData(ROLE_TARGET, (hit.reply_id or hit.turn_id, matched_words(hit.snippet)))
            width = max(200, self.list.viewport().width() - 16)
            item.setSizeHint(QSize(width, label.heightForWidth(width)))
            self.list.addItem(item)
            self.list.setItemWidget(item, label)
        self.say(f"{len(hits)} result{'' if len(hits) == 1 else 's'} for {query}")

    def _fill_list(self) -> None:
        if self.query.text().strip():
            self.searched.emit(self.query.text().strip())
            return
        shown_entries = [e for e in self.entries if self._wanted(e)]
        order = self.sort.currentText()
        if order == "Title":
            shown_entries.sort(key=lambda e: (e.title or e.first_prompt).casefold())
        elif order == "Most turns":
            shown_entries.sort(key=lambda e: -e.turns)
        elif order == "Oldest first":
            shown_entries.sort(key=lambda e: e.updated_at)
        self.list.clear()
        # Every session is two lines: laying out 1,000 of them is then one measure.
        self.list.setUniformItemSizes(True)
        for entry in shown_entries:
            item = QListWidgetItem(shown(_line(entry)))
            item.setData(ROLE_PATH, entry.path)
            item.setData(ROLE_TARGET, ("", ""))
            item.setToolTip(shown(entry.damaged or entry.path))
            if entry.damaged:
                item.setForeground(self.palette().placeholderText())
            self.list.addItem(item)
        damaged = sum(1 for e in self.entries if e.damaged)
        if not self.entries:
            self.say("No sessions yet")
            return
        self.say(
            f"{len(shown_entries)} of {len(self.entries)} sessions"
            + (f"; {damaged} damaged (see each for why)" if damaged else "")
        )

    def _wanted(self, entry: Entry) -> bool:
        seat, tag, days = self.seat.currentData(), self.tag.currentData(), self.date.currentData()
        if seat is not None and seat not in entry.seats + entry.models:
            return False
        if tag is not None and tag not in entry.tags:
            return False
        if self.starred.isChecked() and not entry.starred:
            return False
        if self.has_post.isChecked() and not entry.has_post:
            return False
        if days is not None:
            try:
                updated = datetime.fromisoformat(entry.updated_at)
            except ValueError:
                return False
            if updated.tzinfo is None:
                updated = updated.replace(tzinfo=UTC)
            return datetime.now(UTC) - updated <= timedelta(days=days)
        return True

    def _open_first(self) -> None:
        item = self.list.currentItem() or self.list.item(0)
        if item is not None:
            self._activated(item)

    def _activated(self, item: QListWidgetItem) -> None:
        target, words = item.data(ROLE_TARGET)
        self.opened.emit(item.data(ROLE_PATH), target, words)


def _line(entry: Entry) -> str:
    title = entry.title or entry.first_prompt[:80] or Path(entry.path).stem
    if entry.damaged:
        return f"⚠ {Path(entry.path).name} — damaged: {entry.damaged}"
    when = entry.updated_at[:10]
    marks = ("★ " if entry.starred else "") + ("✎ " if entry.has_post else "")
    draft = " (draft, never saved)" if entry.draft else ""
    turns = f"{entry.turns} turn{'' if entry.turns == 1 else 's'}"
    return f"{marks}{title}{draft}\n    {when} · {', '.join(entry.seats)} · {turns}"
