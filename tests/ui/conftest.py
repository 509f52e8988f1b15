"""UI test fixtures: one qasync loop for the session, the worker on it, a fresh window."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from desktop.core.records.model import Seat, Turn
from desktop.core.session.document import SessionDocument
from desktop.core.session.recovery import RecoveryStore
from desktop.core.trust import Approvals
from desktop.providers.worker_client import WorkerGateway
from desktop.ui.settings import team_gateway
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.utils.app_settings import AppSettings
from tests.conftest import seat_for, subprocess_env
from tests.fakes.provider_server import FakeProviderServer
from tests.waiting import eventually

T = TypeVar("T")
W = TypeVar("W", bound=QWidget)


class RunningQEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    """qasync's loop, whose callbacks always run with it as asyncio's running loop.

    Tests call run_until_complete many times, and Qt events get processed between
    those calls: qasync does one more pass after each call returns, and pytest-qt does
    one around every test phase. A task step run in such a pass finds no running loop,
    and asyncio's queues, events and locks then raise "bound to a different event loop"
    (a streaming reply failed that way about once in fifteen runs; reproduced by
    processing events between two runs). The app never meets this: it lives inside a
    single run_until_complete, modal dialogs included.
    """

    def call_soon(self, callback: Callable[..., object], *args: object, context: Any = None) -> Any:
        return super().call_soon(self._as_running, callback, *args, context=context)

    def _as_running(self, callback: Callable[..., object], *args: object) -> None:
        if asyncio.events._get_running_loop() is not None:
            callback(*args)
            return
        asyncio.events._set_running_loop(self)
        try:
            callback(*args)
        finally:
            asyncio.events._set_running_loop(None)


@pytest.fixture(scope="session")
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """The one qasync loop UI tests run on (pytest-qt has no asyncio support)."""
    # As in the app: closing the last window must not stop the loop under a test.
    qapp.setQuitOnLastWindowClosed(False)
    loop = RunningQEventLoop(qapp)
    yield loop
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()


@pytest.fixture(scope="session")
def ui_gateway(qloop: qasync.QEventLoop) -> Iterator[WorkerGateway]:
    gateway = WorkerGateway(env=subprocess_env())
    assert qloop.run_until_complete(gateway.wait_ready())
    yield gateway
    qloop.run_until_complete(gateway.aclose())


class UI:
    """Drives a window on the qasync loop."""

    def __init__(self, loop: qasync.QEventLoop, window: MainWindow) -> None:
        self.loop = loop
        self.window = window
        self.document = window.document

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        result: T = self.loop.run_until_complete(coro)
        return result

    def wait(
        self, condition: Callable[[], bool], what: str = "condition", within: float = 20
    ) -> None:
        self.run(eventually(condition, within=within, what=what))

    def settle(self) -> None:
        """Let every running turn finish."""
        self.wait(lambda: self.document.idle and not self.window.tasks, "every reply to end")

    def open_dialog(self, kind: type[W], what: str = "a dialog") -> W:
        """Wait until a dialog of ``kind`` is showing over the window; that dialog."""
        found: list[W] = []

        def showing() -> bool:
            found[:] = [d for d in self.window.findChildren(kind) if d.isVisible()]
            return bool(found)

        self.wait(showing, what)
        return found[-1]

    def answer(self, button: str) -> str:
        """Click ``button`` (its text, without "&") in the message box that is open;
        the box's text."""
        box = self.open_dialog(QMessageBox, f"a question with a {button!r} button")
        for candidate in box.buttons():
            if candidate.text().replace("&", "") == button:
                text = box.text()
                candidate.click()
                return text
        raise AssertionError(f"no {button!r} in {[b.text() for b in box.buttons()]}")

    def choose_file(self, path: Path | None) -> None:
        """Pick ``path`` in the file dialog that is open (None: cancel it)."""
        dialog = self.open_dialog(QFileDialog, "a file dialog")
        if path is None:
            dialog.reject()
            return
        typed = dialog.findChild(QLineEdit, "fileNameEdit")  # as the user types it
        assert typed is not None, "Qt's own file dialog, not the platform's"
        typed.setText(str(path))
        assert dialog.selectedFiles() == [str(path)], dialog.selectedFiles()
        dialog.accept()

    def choose_files(self, *paths: Path) -> None:
        """Pick ``paths`` (files of one folder) in the file dialog that is open, typed as
        the user would: their names, each in quotes."""
        dialog = self.open_dialog(QFileDialog, "a file dialog")
        dialog.setDirectory(str(paths[0].parent))
        typed = dialog.findChild(QLineEdit, "fileNameEdit")
        assert typed is not None, "Qt's own file dialog, not the platform's"
        typed.setText(" ".join(f'"{path.name}"' for path in paths))
        assert dialog.selectedFiles() == [str(path) for path in paths], dialog.selectedFiles()
        dialog.accept()

    def type_in(self, text: str, what: str = "a question") -> None:
        """Type ``text`` into the input dialog that is open, and press OK."""
        dialog = self.open_dialog(QInputDialog, what)
        dialog.setTextValue(text)
        dialog.accept()

    def send(self, text: str, targets: list[str] | None = None) -> Turn:
        """Send a prompt as the composer does, without waiting for the replies."""
        turn = self.document.add_prompt(text, targets)
        self.document.start(turn)
        return turn


def press(dialog: QWidget, text: str) -> None:
    """Click the dialog's button ``text``, as the user does (not its private slot)."""
    next(b for b in dialog.findChildren(QPushButton) if b.text() == text).click()


def three_seats(fake: FakeProviderServer) -> list[Seat]:
    return [
        seat_for(fake, "openai", "ui-a", "Alpha"),
        seat_for(fake, "anthropic", "ui-b", "Beta"),
        seat_for(fake, "gemini", "ui-c", "Gamma"),
    ]


@pytest.fixture
def make_ui(
    qloop: qasync.QEventLoop, ui_gateway: WorkerGateway, tmp_path: Path
) -> Iterator[Callable[..., UI]]:
    made: list[UI] = []
    shared: list[AppSettings] = []  # the app's settings: one for every window of a test

    def make(seats: list[Seat] | None = None, recovery: Path | None = None) -> UI:
        # Slots that start tasks outside a running loop (a click in a test) use the
        # current event loop: make it the qasync one, as it is in the app.
        asyncio.set_event_loop(qloop)
        store = RecoveryStore(recovery or tmp_path / "recovery")
        approvals = Approvals(tmp_path / "approved.json")
        approvals.approve(seats or [])  # a test's own seats are the user's lineup
        document = SessionDocument(ui_gateway, recovery=store, approvals=approvals)
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        if not shared:  # as the app's Windows does
            shared.append(AppSettings(settings))
            team_gateway.follow(shared[0], ui_gateway)
        window = MainWindow(document, settings, app_settings=shared[0])
        if seats is not None:
            document.new(seats)
        window.show()
        ui = UI(qloop, window)
        made.append(ui)
        return ui

    yield make
    for ui in made:
        # A dialog a failed test left open would keep its task waiting for good.
        for dialog in ui.window.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        ui.run(ui.document.shutdown())
        ui.run(ui.window.tasks.wait())
        # Nothing left to ask about on close: the test decided what to save.
        ui.document.discard_changes()
        ui.window.close()
        ui.window.deleteLater()
