"""One Roundtable per user: a second launch (a real process, as a double-click starts it)
hands its session to the running app, which opens it in a new window; hostile messages
on the socket are dropped."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from desktop.core import transcript
from desktop.core.records import changes
from desktop.core.records.model import Seat, Session
from desktop.core.trust import Approvals
from desktop.providers.worker_client import WorkerGateway
from desktop.ui.shell.single_instance import MAX_PATHS, InstanceServer, decode, encode, hand_over
from desktop.ui.shell.windows import Windows
from tests.conftest import PYTHON, ROOT, subprocess_env
from tests.waiting import eventually


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    """The user's runtime folder, where the running app's socket is."""
    folder = tmp_path / "runtime"
    folder.mkdir(mode=0o700)
    return folder


@pytest.fixture
def windows(
    qloop: qasync.QEventLoop, ui_gateway: WorkerGateway, tmp_path: Path
) -> Iterator[tuple[Windows, qasync.QEventLoop]]:
    asyncio.set_event_loop(qloop)
    made = Windows(ui_gateway, Approvals(tmp_path / "approved.json"), [Seat("A", "openai/a")])
    yield made, qloop
    for window in made.windows:
        window.document.discard_changes()
    qloop.run_until_complete(made.close_all())


def saved_session(tmp_path: Path, title: str) -> Path:
    path = tmp_path / f"{title}.roundtable.json"
    transcript.save_session(Session(title=title, seats=[Seat("A", "openai/a")]), path)
    return path


def launch(runtime: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`roundtable ARGS` as a second launch would be started."""
    env = subprocess_env(QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime))
    return subprocess.run(
        [PYTHON, "-m", "desktop", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=20, check=False,
    )  # fmt: skip


async def in_background(runtime: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A launch run while the qasync loop goes on serving the socket."""
    return await asyncio.to_thread(launch, runtime, *args)


def test_a_second_launch_opens_its_session_in_a_new_window_of_the_running_app(
    windows: tuple[Windows, qasync.QEventLoop], runtime: Path, tmp_path: Path
) -> None:
    app, loop = windows
    server = InstanceServer(app.open, name=str(runtime / "roundtable" / "instance"))
    (runtime / "roundtable").mkdir(mode=0o700)
    assert server.listen()
    try:
        path = saved_session(tmp_path, "Hot dogs")
        second = loop.run_until_complete(in_background(runtime, str(path)))
        assert second.returncode == 0, second.stderr[-2000:]
        assert "Opened in the Roundtable already running." in second.stderr
        assert "Traceback" not in second.stderr
        [window] = app.windows
        assert window.document.path == path
        assert window.document.session.title == "Hot dogs"
        assert window.isVisible()

        again = loop.run_until_complete(in_background(runtime, str(path)))
        assert again.returncode == 0
        assert len(app.windows) == 1, "the window showing it is raised, not a second one"

        fifo = tmp_path / "looks-like.roundtable.json"
        os.mkfifo(fifo)  # reading it would block the window for good
        hostile = loop.run_until_complete(in_background(runtime, str(fifo)))
        assert hostile.returncode == 0
        assert len(app.windows) == 1, "not opened"
        assert "is not a saved session file" in app.windows[0].statusBar().currentMessage()

        plain = loop.run_until_complete(in_background(runtime))
        assert plain.returncode == 0
        assert len(app.windows) == 2
        assert app.windows[1].document.path is None, "a plain launch: a new session"
        first, second_window = (w.geometry().topLeft() for w in app.windows)
        assert second_window != first, "not exactly over the other"

        close = next(a for a in app.windows[1].findChildren(QAction) if a.text() == "&Close window")
        close.trigger()
        loop.run_until_complete(eventually(lambda: len(app.windows) == 1, what="one closed"))
        assert not app.all_closed.is_set()
        app.open([])  # a second window again, for Quit to close both
        unsaved = app.windows[0]
        unsaved.document.edited(changes.SessionFactsChanged())
        quit_all = next(a for a in unsaved.findChildren(QAction) if a.text() == "&Quit")

        def answer(button: QMessageBox.StandardButton) -> None:
            boxes: list[QMessageBox] = []

            def asked() -> bool:
                boxes[:] = [b for b in unsaved.findChildren(QMessageBox) if b.isVisible()]
                return bool(boxes)

            loop.run_until_complete(eventually(asked, what="the unsaved-changes question"))
            boxes[-1].button(button).click()

        quit_all.trigger()
        answer(QMessageBox.StandardButton.Cancel)
        gone = lambda: not [b for b in unsaved.findChildren(QMessageBox) if b.isVisible()]  # noqa: E731
        loop.run_until_complete(eventually(gone, what="the question answered"))
        loop.run_until_complete(asyncio.sleep(0))  # the quit job's next step, if any
        assert len(app.windows) == 2, "Cancel keeps every window open"
        quit_all.trigger()
        answer(QMessageBox.StandardButton.Discard)
        loop.run_until_complete(asyncio.wait_for(app.all_closed.wait(), 30))
        assert app.windows == []
    finally:
        server.close()


def test_open_with_several_sessions_opens_each_and_a_second_app_cannot_take_over(
    windows: tuple[Windows, qasync.QEventLoop], runtime: Path, tmp_path: Path
) -> None:
    app, loop = windows
    (runtime / "roundtable").mkdir(mode=0o700)
    name = str(runtime / "roundtable" / "instance")
    server = InstanceServer(app.open, name=name)
    assert server.listen()
    try:
        assert not InstanceServer(app.open, name=name).listen(), "the first keeps the socket"
        a, b = saved_session(tmp_path, "One"), saved_session(tmp_path, "Two")
        both = loop.run_until_complete(in_background(runtime, str(a), str(b)))
        assert both.returncode == 0, both.stderr[-2000:]
        assert [w.document.session.title for w in app.windows] == ["One", "Two"]
    finally:
        server.close()
    again = InstanceServer(app.open, name=name)
    assert again.listen(), "once the first has stopped, another may listen"
    again.close()


def test_with_no_app_running_a_launch_goes_on_by_itself(runtime: Path) -> None:
    assert not hand_over([], name=str(runtime / "nobody-listens"))


def test_a_socket_left_by_an_app_that_died_is_taken_over(
    windows: tuple[Windows, qasync.QEventLoop], runtime: Path
) -> None:
    app, loop = windows
    (runtime / "roundtable").mkdir(mode=0o700)
    name = runtime / "roundtable" / "instance"
    name.write_bytes(b"")  # what a killed app leaves behind
    server = InstanceServer(app.open, name=str(name))
    try:
        assert server.listen()
        plain = loop.run_until_complete(in_background(runtime))
        assert plain.returncode == 0, plain.stderr[-2000:]
        assert len(app.windows) == 1
    finally:
        server.close()


@pytest.mark.parametrize(
    "message",
    [
        b"not json\n",
        b'{"open": "/etc/passwd"}\n',
        b'{"open": ["relative/path.json"]}\n',
        b'{"open": ["/a.json"], "run": "rm -rf ~"}\n',
        b'{"open": ["/a\\u0000.json"]}\n',
        json.dumps({"open": ["/x.json"] * (MAX_PATHS + 1)}).encode() + b"\n",
        json.dumps({"open": ["/" + "x" * 5000]}).encode() + b"\n",
        b"[" * 100_000 + b"\n",
        b"\xff\xfe\n",
    ],
)
def test_hostile_messages_are_dropped(message: bytes) -> None:
    assert decode(message) is None


def test_a_launchs_own_message_is_read_back() -> None:
    paths = [Path("/home/me/Hot dogs.roundtable.json"), Path("/tmp/x.json")]
    assert decode(encode(paths)) == paths
