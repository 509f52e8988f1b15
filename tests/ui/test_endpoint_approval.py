"""A session file someone shared names where its seats send: the window sends nothing
there until the user approves, and says why (through the real worker and fake server)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction

from desktop.core import transcript
from desktop.core.records.model import ReplyStatus, Session
from tests.conftest import seat_for
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.ui.conftest import UI

Maker = Callable[..., UI]


def test_a_shared_sessions_endpoint_gets_nothing_until_the_user_approves_it(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    shared = tmp_path / "shared.json"
    transcript.save_session(
        Session(title="Shared", seats=[seat_for(fake, "openai", "shared-a", "Helpful")]), shared
    )
    ui = make_ui()  # this user's own lineup approved nothing of the file's
    assert ui.window.files.open_path(shared)
    offer = ui.answer("Not now")
    assert "Helpful: the address http://127.0.0.1" in offer
    pane = ui.window.panes[0]
    assert pane.numbers.text().startswith("Waits for your approval: the address http://")

    fake.script("shared-a", Stream(text="Thanks for the draft"))
    turn = ui.send("My unpublished draft")
    ui.settle()
    assert fake.requests("shared-a") == [], "nothing may reach the file's server"
    reply = turn.replies[0]
    assert reply.status is ReplyStatus.ERROR
    assert reply.error is not None
    assert "not approved" in reply.error.message
    assert "Session → Approve endpoints" in pane.view.toPlainText()

    menu = next(a for a in ui.window.findChildren(QAction) if a.text() == "Approve &endpoints…")
    menu.trigger()
    ui.answer("Approve")
    ui.wait(lambda: not pane.numbers.text().startswith("Waits"), "the pane to stop waiting")
    retried = ui.run(ui.document.retry(reply.id))
    assert retried.status is ReplyStatus.COMPLETE, retried.error
    assert [r.user_texts()[-1] for r in fake.requests("shared-a")] == ["My unpublished draft"]


def test_a_shared_session_with_an_unreadable_port_opens_whole_and_says_why(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    """urllib's ValueError for the port 'abc' left a half-built window."""
    shared = tmp_path / "badport.json"
    seat = seat_for(fake, "openai", "shared-p", "Odd")
    seat.api_base = "http://127.0.0.1:abc/v1"
    transcript.save_session(Session(title="Odd", seats=[seat]), shared)
    ui = make_ui()
    assert ui.window.files.open_path(shared)
    assert "http://127.0.0.1:abc/v1" in ui.answer("Not now")
    turn = ui.send("Hello")
    ui.settle()
    error = turn.replies[0].error
    assert error is not None
    assert "not one a request can go to" in error.message
    assert "Session → Seats" in ui.window.panes[0].view.toPlainText()
