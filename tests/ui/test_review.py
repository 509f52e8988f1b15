"""A newcomer's start and review mode: the start page, the sample session reviewed with
no key, no network and no provider worker, going live, and two replies compared word by
word (real window; its worker never started)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop.app import default_seats
from desktop.core.session.document import SessionDocument
from desktop.core.session.recovery import RecoveryStore
from desktop.core.transcript import dumps
from desktop.providers.local_servers import find_local_servers
from desktop.providers.worker_client import WorkerGateway
from desktop.ui.library import start_page
from desktop.ui.library.compare_dialog import CompareDialog
from desktop.ui.shell.main_window import MainWindow
from tests.core.test_library import debate
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.ui.conftest import UI


@pytest.fixture
def first_start(qloop: qasync.QEventLoop, tmp_path: Path) -> Iterator[tuple[UI, WorkerGateway]]:
    """The window as a first start opens it, with a worker that is never started."""
    asyncio.set_event_loop(qloop)
    gateway = WorkerGateway()
    document = SessionDocument(gateway, recovery=RecoveryStore(tmp_path / "recovery"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(document, settings, provider_ready=False)
    document.new(default_seats())
    window.show_start(True)
    window.show()
    ui = UI(qloop, window)
    yield ui, gateway
    ui.run(document.shutdown())
    ui.run(window.tasks.wait())
    document.discard_changes()
    window.dispose()


def test_a_first_start_shows_the_start_page_and_reviews_the_sample_without_a_worker(
    first_start: tuple[UI, WorkerGateway], qtbot: QtBot
) -> None:
    ui, gateway = first_start
    window = ui.window
    assert window.pages.currentWidget() is window.start_page
    assert window.start_page.recent.isHidden(), "nothing recent on a first start"
    window.start_page.buttons["Open the sample session"].click()
    qtbot.waitUntil(lambda: window.review.reviewing)
    assert window.pages.currentWidget() is window.main_splitter
    assert window.review.bar.isVisible()
    assert not window.composer.isVisible()
    assert [p.seat.label for p in window.panes] == [s.label for s in default_seats()]
    pane = window.panes[2]
    assert "two policies wearing one coat" in pane.view.toPlainText()
    assert pane.view.extraSelections(), "the sample's highlights are drawn"
    assert "🎤" in pane.title.full_text()
    for each in window.panes:
        assert "key" not in each.numbers.text().lower()
        assert each.state.text() == "done"
    assert window.document.path is None, "saving it never writes into the app's files"
    for each in window.panes:
        assert not each.buttons["retry"].isVisible(), "nothing is sent from a review"
        assert each.buttons["copy"].isVisible()
    debate = next(a for a in window.findChildren(QAction) if a.text() == "&Debate round…")
    assert not debate.isEnabled()
    assert gateway.pid is None, "no provider worker was needed"

    window.review.bar.go_live.emit()
    assert window.composer.isVisible()
    assert not window.review.bar.isVisible()
    assert debate.isEnabled()
    assert window.panes[0].buttons["retry"].isVisible()


def test_the_start_page_lists_recent_sessions_and_opens_one(
    first_start: tuple[UI, WorkerGateway], qtbot: QtBot, tmp_path: Path
) -> None:
    ui, _ = first_start
    path = tmp_path / "kept.json"
    path.write_bytes(dumps(debate("Kept", "Recent words.")))
    ui.window.files.remember(path)
    ui.window.files.remember(tmp_path / "gone.json")
    ui.window.show_start(True)
    page = ui.window.start_page
    assert page.recent.count() == 1, "a recent file that is gone is not offered"
    QTest.keyClick(page.recent, Qt.Key.Key_Down)
    QTest.keyClick(page.recent, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ui.document.path == path)
    assert ui.window.pages.currentWidget() is ui.window.main_splitter
    assert not ui.window.review.reviewing, "opened to work on, not to review"


def test_without_the_sample_its_button_is_off(
    monkeypatch: pytest.MonkeyPatch, first_start: tuple[UI, WorkerGateway], tmp_path: Path
) -> None:
    monkeypatch.setattr(start_page, "SAMPLE", tmp_path / "missing.json")
    page = start_page.StartPage()
    assert not page.buttons["Open the sample session"].isEnabled()
    assert page.buttons["New session"].isEnabled()


def test_two_replies_compared_word_by_word_across_sessions(
    first_start: tuple[UI, WorkerGateway], qtbot: QtBot, tmp_path: Path
) -> None:
    ui, _ = first_start
    ui.window.start_page.buttons["Open the sample session"].click()
    qtbot.waitUntil(lambda: ui.window.review.reviewing)
    ui.window.activateWindow()
    QTest.keyClick(ui.window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    action = next(a for a in ui.window.findChildren(QAction) if a.text() == "Compare &with…")
    action.trigger()
    dialog = ui.open_dialog(CompareDialog, "the compare window")
    qtbot.waitUntil(lambda: "in common" in dialog.summary.text())
    claude = ui.window.panes[0].reply
    assert claude is not None
    assert dialog.pickers[0].currentData() == claude.id
    left = dialog.views[0].toHtml()
    assert "line-through" in left or "<s>" in left, "what only the left says is struck"

    other = debate("Last week", claude.text.replace("reader", "subscriber"))
    other_path = tmp_path / "other.json"
    other_path.write_bytes(dumps(other))
    right = dialog.pickers[1]
    right.setCurrentIndex(right.findText("Another session…"))
    right.activated.emit(right.currentIndex())
    ui.choose_file(other_path)
    qtbot.waitUntil(lambda: "«Last week»" in right.currentText())
    qtbot.waitUntil(lambda: "subscriber" in dialog.views[1].toPlainText())
    qtbot.waitUntil(lambda: "% of the words in common" in dialog.summary.text())
    assert "subscriber" in dialog.views[1].toHtml().split("#d4f5d4")[-1]


def test_a_first_start_with_a_local_server_offers_its_models_and_they_answer(
    first_start: tuple[UI, WorkerGateway], fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui, gateway = first_start
    fake.ollama_tags = {"models": [{"name": "llama3.2:latest"}, {"name": "<b>bold</b>"}]}
    try:
        servers = ui.run(find_local_servers(ollama=fake.url, lm_studio=fake.url))
    finally:
        fake.ollama_tags = {"models": [{"name": "fake-llama:latest"}]}
    page = ui.window.start_page
    page.offer_local(servers)
    assert page.local_button.isVisible()
    assert "llama3.2 (Ollama)" in page.local.text()
    assert "&lt;b&gt;bold" in page.local.text(), "a name from the server is never markup"
    page.local_button.click()
    assert ui.window.pages.currentWidget() is ui.window.main_splitter
    seats = ui.document.session.seats
    assert [s.model for s in seats] == [
        "ollama_chat/llama3.2", "ollama_chat/<b>bold</b>", "lm_studio/fake-qwen"
    ]  # fmt: skip
    fake.script("llama3.2", Stream(text="Hello from this laptop."))
    ui.send("Hi?", [seats[0].id])
    ui.settle()
    assert ui.window.panes[0].reply is not None
    assert ui.window.panes[0].reply.text == "Hello from this laptop."
    assert gateway.pid is not None, "the worker started when there was something to send"
