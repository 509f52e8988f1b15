"""UI test fixtures: one qasync loop for the session, the worker on it, a fresh window."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop.core.model import Seat
from desktop.providers.worker_client import WorkerGateway
from desktop.ui.main_window import MainWindow
from desktop.ui.session_controller import SessionController
from tests.conftest import seat_for, subprocess_env
from tests.fakes.provider_server import FakeProviderServer
from tests.waiting import eventually

T = TypeVar("T")


@pytest.fixture(scope="session")
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """The one qasync loop UI tests run on (pytest-qt has no asyncio support)."""
    loop = qasync.QEventLoop(qapp)
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
        self.controller = window.controller

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        result: T = self.loop.run_until_complete(coro)
        return result

    def wait(
        self, condition: Callable[[], bool], what: str = "condition", within: float = 20
    ) -> None:
        self.run(eventually(condition, within=within, what=what))

    def settle(self) -> None:
        """Let every running turn finish."""
        self.wait(lambda: self.controller.idle, "every reply to end")


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

    def make(seats: list[Seat] | None = None, recovery: Path | None = None) -> UI:
        # Slots that start tasks outside a running loop (a click in a test) use the
        # current event loop: make it the qasync one, as it is in the app.
        asyncio.set_event_loop(qloop)
        controller = SessionController(ui_gateway, recovery or tmp_path / "recovery.json")
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(controller, settings)
        if seats is not None:
            controller.new_session(seats)
        window.show()
        ui = UI(qloop, window)
        made.append(ui)
        return ui

    yield make
    for ui in made:
        ui.run(ui.controller.shutdown())
        # Nothing left to ask about on close: the test decided what to save.
        ui.controller.dirty = False
        ui.window.close()
        ui.window.deleteLater()
