"""The library window: sessions listed and filtered, search as you type with the words in
context, a result opened at its reply with the words selected, every save indexed
(real window; the index on its own thread)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from desktop.core.records.model import Annotation, AnnotationKind
from desktop.ui.library.window import LibraryWindow
from tests.core.test_library import debate, saved
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.ui.conftest import UI, three_seats

Maker = Callable[..., UI]


def library_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "Library"
    saved(
        folder,
        "meta.json",
        debate("Meta's truce", "Intro.\n\n" * 40 + "A beautiful vision, probably doomed."),
    )
    starred = debate("Sandwich", "A hot dog is a taco, structurally.", "Gemini", "Claude")
    starred.annotations = [Annotation(AnnotationKind.STAR, starred.turns[0].replies[0].id)]
    saved(folder, "sandwich.json", starred)
    (folder / "broken.json").write_text('{"format": "roundtable.session", "vers')
    return folder


def open_library(ui: UI, folder: Path, qtbot: QtBot) -> LibraryWindow:
    ui.window.library.use_folder(folder)
    ui.window.activateWindow()
    action = next(a for a in ui.window.findChildren(QAction) if a.text() == "&Library…")
    assert action.shortcut().toString() == "Ctrl+Shift+O"
    action.trigger()
    window = ui.window.library.window
    assert window is not None
    qtbot.waitUntil(lambda: window.list.count() == 3)
    return window


def texts(window: LibraryWindow) -> list[str]:
    out = []
    for row in range(window.list.count()):
        item = window.list.item(row)
        label = window.list.itemWidget(item)
        out.append(label.text() if isinstance(label, QLabel) else item.text())
    return out


def test_the_library_lists_filters_and_searches_as_you_type(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    window = open_library(ui, library_folder(tmp_path), qtbot)
    rows = texts(window)
    assert any("damaged" in row and "broken.json" in row for row in rows)
    assert "damaged" in window.status.text()
    window.starred.setChecked(True)
    assert [r.split("\n")[0] for r in texts(window)] == ["★ Sandwich"]
    window.starred.setChecked(False)
    window.seat.setCurrentIndex(window.seat.findData("Gemini"))
    assert len(texts(window)) == 2
    window.seat.setCurrentIndex(0)

    QTest.keyClicks(window.query, "doom")
    qtbot.waitUntil(lambda: "result" in window.status.text())
    assert window.list.count() == 0, "a whole word, not a prefix, unless she types *"
    QTest.keyClicks(window.query, "ed")
    qtbot.waitUntil(lambda: window.status.text() == "1 result for doomed")
    [hit] = texts(window)
    assert "<b>Meta&#x27;s truce</b> — Claude" in hit
    assert "probably <b>doomed</b>" in hit
    window.query.setText("hot-dog")  # FTS5 syntax she did not mean: searched as words
    qtbot.waitUntil(lambda: window.status.text() == "1 result for hot-dog")


def test_a_result_opens_the_session_at_its_words(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    folder = library_folder(tmp_path)
    window = open_library(ui, folder, qtbot)
    window.query.setText("doomed")
    qtbot.waitUntil(lambda: window.status.text() == "1 result for doomed")
    window.list.setCurrentRow(0)
    QTest.keyClick(window.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ui.document.path == folder / "meta.json")
    pane = ui.window.panes[0]
    qtbot.waitUntil(lambda: pane.view.textCursor().selectedText() == "doomed")
    assert pane.view.verticalScrollBar().value() > 0, "scrolled down to the words"


def test_every_save_is_indexed_at_once(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    folder = library_folder(tmp_path)
    window = open_library(ui, folder, qtbot)
    fake.script("ui-a", Stream(text="Quixotic pelicans agree."))
    ui.send("Anything new?")
    ui.settle()
    elsewhere = tmp_path / "Desktop" / "new.json"
    elsewhere.parent.mkdir()
    ui.run(ui.document.save(elsewhere))
    window.query.setText("pelicans")
    qtbot.waitUntil(lambda: window.status.text() == "1 result for pelicans")
    window.query.clear()
    qtbot.waitUntil(lambda: window.list.count() == 3)
    ui.window.library.show()
    qtbot.waitUntil(lambda: window.list.count() == 4, timeout=10_000)


def test_tags_are_set_undone_and_filter_the_library(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    folder = library_folder(tmp_path)
    window = open_library(ui, folder, qtbot)
    fake.script("ui-a", Stream(text="Tagged words."))
    ui.send("Tag me?")
    ui.settle()
    action = next(a for a in ui.window.findChildren(QAction) if a.text() == "Ta&gs…")
    action.trigger()
    dialog = ui.open_dialog(QInputDialog, "the tags question")
    dialog.setTextValue("policy, Work ,POLICY,\n  news  room ")
    dialog.accept()
    qtbot.waitUntil(lambda: ui.document.session.tags == ["policy", "Work", "news room"])
    assert ui.window.isWindowModified()
    ui.run(ui.document.save(folder / "tagged.json"))
    ui.window.library.show()
    qtbot.waitUntil(lambda: window.tag.findData("Work") >= 0)
    window.tag.setCurrentIndex(window.tag.findData("Work"))
    assert [t.split("\n")[0] for t in texts(window)] == ["Tag me?"]
    ui.window.annotations.undo.undo()
    assert ui.document.session.tags == []


def test_an_empty_library_says_how_sessions_get_there_and_offers_the_sample(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    """A new user's library was an empty white list."""
    ui = make_ui(three_seats(fake))
    ui.window.library.use_folder(tmp_path / "New library")
    ui.window.library.show()
    window = ui.window.library.window
    assert window is not None
    qtbot.waitUntil(lambda: window.showing_empty)
    words = " ".join(label.text() for label in window.findChildren(QLabel) if label.isVisible())
    assert "Every session you save" in words
    assert "Change folder…" in words
    sample = next(
        b for b in window.findChildren(QPushButton) if b.text() == "Open the sample session"
    )
    assert sample.isVisible()
    sample.click()
    qtbot.waitUntil(lambda: ui.window.review.reviewing)
    assert ui.document.session.turns, "the sample is open, to review"
