"""The post view: the post's blocks edited beside a live preview of the exported page,
every edit undoable, and ``--view post --screenshot`` for a scripted look (real window,
real worker, fake server)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop.core.post.plan import default_post
from desktop.core.records.post_blocks import AttributionBlock, SectionBlock, TextBlock, UnknownBlock
from desktop.core.transcript import load_session
from desktop.providers.worker_client import WorkerGateway
from tests.e2e.test_screenshot_mode import run_gui
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.ui.conftest import UI, three_seats

Maker = Callable[..., UI]


def in_post_view(make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot) -> UI:
    ui = make_ui(three_seats(fake)[:2])
    fake.script("ui-a", Stream(text="Alpha's answer, **firmly**."))
    fake.script("ui-b", Stream(text="Beta's answer, gently."))
    ui.send("Is it a sandwich?")
    ui.settle()
    ui.window.activateWindow()
    QTest.keyClick(ui.window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    view = ui.window.post_view
    qtbot.waitUntil(lambda: view.isVisible() and view.preview_ready)
    return ui


def test_ctrl_p_shows_the_default_post_and_its_preview(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui = in_post_view(make_ui, fake, qtbot)
    view = ui.window.post_view
    rows = [view.blocks.item(i).text() for i in range(view.blocks.count())]
    assert rows == ["Section: Alpha — 1 exchange", "Section: Beta — 1 exchange"]
    preview = view.preview.toPlainText()
    assert "Is it a sandwich?" in preview
    assert "Alpha's answer, firmly." in preview, "the answer's Markdown rendered"
    assert not ui.window.panes[0].isVisible()
    QTest.keyClick(ui.window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert ui.window.panes[0].isVisible(), "Ctrl+P again: back to the panes"


def test_post_edits_show_in_the_preview_and_each_one_undoes(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    ui = in_post_view(make_ui, fake, qtbot)
    view = ui.window.post_view
    view.title.setFocus()
    QTest.keyClicks(view.title, "Sandwich or not")
    view.title.editingFinished.emit()
    assert ui.document.session.post.title == "Sandwich or not"

    view.blocks.setCurrentRow(-1)
    view.add_text()  # first, before the sections
    for number, line in enumerate(["## My take", "", "It is."]):
        if number:
            QTest.keyClick(view.text, Qt.Key.Key_Return)
        QTest.keyClicks(view.text, line)
    qtbot.waitUntil(lambda: "My take" in view.preview.toPlainText())
    blocks = ui.document.session.post.blocks
    assert isinstance(blocks[0], TextBlock)
    assert blocks[0].markdown == "## My take\n\nIt is."

    view.toggle_attribution()
    qtbot.waitUntil(
        lambda: "drafted with assistance from Alpha and Beta" in view.preview.toPlainText()
    )
    view.blocks.setCurrentRow(3)  # Beta's section, after the text and the attribution
    view.blocks.setFocus()
    QTest.keyClick(view.blocks, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    order = [type(b).__name__ for b in ui.document.session.post.blocks]
    assert order == ["TextBlock", "AttributionBlock", "SectionBlock", "SectionBlock"]
    sections = [b for b in ui.document.session.post.blocks if isinstance(b, SectionBlock)]
    beta = ui.document.session.seats[1]
    assert sections[0].seat_id == beta.id, "Beta first now, in her order"
    assert ui.window.isWindowModified()

    path = tmp_path / "post.json"
    ui.run(ui.document.save(path))
    saved = load_session(path).session.post
    assert saved.title == "Sandwich or not"
    assert isinstance(saved.blocks[1], AttributionBlock)

    undo = ui.window.annotations.undo
    while undo.canUndo():
        undo.undo()
    assert ui.document.session.post.title == ""
    assert ui.document.session.post.blocks == [], "back to the default post"
    undo.redo()
    assert ui.document.session.post.title == "Sandwich or not"


def test_view_post_screenshot_opens_a_saved_session_in_the_post_view(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    ui = in_post_view(make_ui, fake, qtbot)
    path = tmp_path / "session.json"
    ui.run(ui.document.save(path))
    out = tmp_path / "post-view.png"
    result = run_gui(tmp_path, str(path), "--view", "post", "--screenshot", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    assert QImage(str(out)).width() >= 800
    missing = run_gui(
        tmp_path, str(tmp_path / "nope.json"), "--view", "post", "--screenshot", str(out)
    )
    assert missing.returncode == 2


def test_copy_post_puts_semantic_html_and_markdown_on_the_clipboard(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui = in_post_view(make_ui, fake, qtbot)
    view = ui.window.post_view
    view.title.setText("Sandwich or not")
    view.title.editingFinished.emit()
    next(b for b in view.findChildren(QPushButton) if b.text() == "Copy post").click()
    data = QGuiApplication.clipboard().mimeData()
    assert data.hasHtml()
    assert data.hasText()
    html = data.html()
    assert "<h1>Sandwich or not</h1>" in html
    assert "<h2>Alpha</h2>" in html
    assert "<strong>firmly</strong>" in html, "the answer's emphasis pastes as emphasis"
    for chrome in ("<style", "class=", "style=", "id=", "<script"):
        assert chrome not in html, chrome
    assert data.text().startswith("# Sandwich or not\n")
    assert "> Alpha's answer, **firmly**." in data.text()
    # Qt's offscreen platform crashes at exit if its clipboard still holds MIME data set
    # from Python (a three-line script does it too); the desktop platforms keep it.
    QGuiApplication.clipboard().clear()


def test_export_from_the_window_writes_what_the_cli_writes(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    ui = in_post_view(make_ui, fake, qtbot)
    view = ui.window.post_view
    next(b for b in view.findChildren(QPushButton) if b.text() == "Export…").click()
    ui.answer("HTML page")
    out = tmp_path / "post.html"
    ui.choose_file(out)
    qtbot.waitUntil(out.exists)
    page = out.read_text(encoding="utf-8")
    assert "Alpha&#x27;s answer" in page or "Alpha's answer" in page
    assert "default-src 'none'" in page


def test_export_of_cards_onto_an_existing_file_says_so_and_leaves_it_alone(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    """The command's refusal was lost when the window ran its code: nothing was said."""
    ui = in_post_view(make_ui, fake, qtbot)
    view = ui.window.post_view
    taken = tmp_path / "cards"
    taken.write_text("my notes", encoding="utf-8")
    next(b for b in view.findChildren(QPushButton) if b.text() == "Export…").click()
    ui.answer("Card pictures")
    dialog = ui.open_dialog(QFileDialog, "the export dialog")
    typed = dialog.findChild(QLineEdit, "fileNameEdit")
    assert typed is not None
    typed.setText(str(taken))

    def replace_it() -> None:  # Qt's own question, asked inside accept()
        [box] = [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox)]
        assert "already exists" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, replace_it)
    dialog.accept()
    told = ui.open_dialog(QMessageBox, "the refusal")
    assert "is a file; cards go in a folder" in told.text()
    assert taken.read_text(encoding="utf-8") == "my notes"
    told.accept()


def test_a_block_from_a_newer_release_can_be_moved_and_removed_not_edited(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    ui = in_post_view(make_ui, fake, qtbot)
    view = ui.window.post_view
    session = ui.document.session
    poll = UnknownBlock("poll", {"kind": "poll", "question": "Who won?"})
    session.post.blocks = [*default_post(session).blocks, poll]
    view.refresh()
    rows = [view.blocks.item(i).text() for i in range(view.blocks.count())]
    assert rows[-1] == "A block from a newer Roundtable (poll): kept, not exported"
    view.blocks.setCurrentRow(len(rows) - 1)
    assert view.block_editor.currentWidget() is view.newer
    button = {b.text(): b for b in view.findChildren(QPushButton)}
    button["Up"].click()
    assert session.post.blocks[-2] == poll
    button["Remove"].click()
    assert poll not in session.post.blocks
    view.undo.undo()
    assert session.post.blocks[-2] == poll


def test_an_export_of_cards_from_the_window_leaves_the_platform_of_its_children_alone(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Export… ran the command's code, which set QT_QPA_PLATFORM=offscreen in the window's
    own environment: a worker restarted afterwards (or the model probe) inherited it."""
    ui = in_post_view(make_ui, fake, qtbot)
    monkeypatch.delenv("QT_QPA_PLATFORM")  # the user's desktop names none
    view = ui.window.post_view
    next(b for b in view.findChildren(QPushButton) if b.text() == "Export…").click()
    ui.answer("Card pictures")
    out = tmp_path / "cards"
    ui.choose_file(out)
    qtbot.waitUntil(lambda: out.is_dir() and len(list(out.glob("*.png"))) == 2)
    assert "QT_QPA_PLATFORM" not in os.environ

    # A worker started now (as the app restarts a dead one: from this process's own
    # environment) runs with the user's platform.
    restarted = WorkerGateway()
    ui.run(restarted.start())
    assert restarted.pid is not None
    environment = Path(f"/proc/{restarted.pid}/environ").read_bytes().split(b"\0")
    ui.run(restarted.aclose())
    assert not [v for v in environment if v.startswith(b"QT_QPA_PLATFORM=")], "the user's own"
