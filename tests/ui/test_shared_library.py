"""The library is the app's: one folder and one worker thread for all its windows,
started when first used, not for the first paint."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync

from desktop.core.records.model import Seat
from desktop.core.trust import Approvals
from desktop.providers.worker_client import WorkerGateway
from desktop.ui.shell.windows import Windows


@pytest.fixture
def windows(
    qloop: qasync.QEventLoop, ui_gateway: WorkerGateway, tmp_path: Path
) -> Iterator[tuple[Windows, qasync.QEventLoop]]:
    asyncio.set_event_loop(qloop)
    made = Windows(
        ui_gateway,
        Approvals(tmp_path / "approved.json"),
        [Seat("A", "openai/a")],
        library=tmp_path / "Library",
    )
    yield made, qloop
    for window in made.windows:
        window.document.discard_changes()
    qloop.run_until_complete(made.close_all())


def test_every_window_saves_into_and_searches_one_library_started_when_first_used(
    windows: tuple[Windows, qasync.QEventLoop], tmp_path: Path
) -> None:
    made, loop = windows
    first, _ = made.new_window()
    second, _ = made.new_window()
    library = first.library.library
    assert second.library.library is library
    assert not library.started, "nothing of the library is started for the first paint"

    (tmp_path / "Library").mkdir()
    first.document.new([Seat("A", "openai/a")])
    first.document.session.title = "Said in the first window"
    loop.run_until_complete(first.document.save(tmp_path / "Library" / "one.roundtable.json"))
    assert library.started
    worker = library.worker

    loop.run_until_complete(first.tasks.wait())  # the save's index update

    async def listed() -> list[str]:
        return [entry.title for entry in await second.library.library.worker.entries()]

    assert loop.run_until_complete(listed()) == ["Said in the first window"]
    assert library.worker is worker, "one worker thread for both windows"
