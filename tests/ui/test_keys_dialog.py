"""Keys in the window where there is no OS keyring: Add key… keeps the key for this
session only and the retried pane uses it; Settings → Keys… says where each key comes
from, adds, removes and tests one (real window, real worker, fake server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLineEdit
from pytestqt.qtbot import QtBot

from desktop.core.records.model import ReplyStatus
from desktop.core.session import key_check
from desktop.providers.keys import SESSION_ONLY
from desktop.providers.worker_client import WorkerGateway
from desktop.ui.settings import keys_dialog
from desktop.ui.settings.keys_dialog import KeysDialog
from tests.fakes.memory_keyring import MemoryKeyring
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.ui.conftest import UI
from tests.ui.test_window import send_with_a_401_on_beta

Maker = Callable[..., UI]
TYPED = "sk-ant-typed" + "0123456789abcdef"


@pytest.fixture(autouse=True)
def forget_session_keys(ui_gateway: WorkerGateway) -> Iterator[None]:
    """The shared worker (and this process) forget this test's session keys after it."""
    yield
    for provider in ("anthropic", "gemini", "openai"):
        ui_gateway.use_key(provider, None)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """No OS keyring, as on a Linux box without a Secret Service."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(previous)


def test_add_key_without_a_keyring_keeps_it_for_the_session_and_the_retry_uses_it(
    make_ui: Maker, fake: FakeProviderServer, no_keyring: None
) -> None:
    ui = send_with_a_401_on_beta(make_ui, fake)
    ui.window.panes[1].buttons["key"].trigger()
    key_question = ui.open_dialog(QInputDialog, "the key question")
    assert key_question.textEchoMode() is QLineEdit.EchoMode.Password, "not shown as typed"
    ui.type_in(TYPED, "the key question")
    ui.wait(lambda: "session only" in ui.window.statusBar().currentMessage(), "the answer")
    fake.script("ui-b", Stream(text="Now with your key."))
    ui.window.panes[1].buttons["retry"].trigger()
    ui.settle()
    beta = ui.window.panes[1].reply
    assert beta is not None
    assert beta.status is ReplyStatus.COMPLETE
    assert fake.requests("ui-b")[-1].headers["x-api-key"] == TYPED


def test_the_keys_dialog_says_where_each_key_is_adds_removes_and_tests(
    make_ui: Maker,
    fake: FakeProviderServer,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    qtbot: QtBot,
) -> None:
    memory_keyring.set_password("roundtable", "anthropic", "stored-" + "0123456789abcdef")
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    ui = make_ui()
    action = next(a for a in ui.window.findChildren(QAction) if a.text() == "&Keys…")
    action.trigger()
    dialog = ui.open_dialog(KeysDialog, "the keys dialog")
    qtbot.waitUntil(lambda: dialog.sources["openai"].text() != "…")
    assert dialog.sources["anthropic"].text().startswith("OS keyring")
    assert dialog.sources["openai"].text() == "$OPENAI_API_KEY"
    assert dialog.sources["gemini"].text() == "none"
    assert "stored in the OS keyring" in dialog.keyring_note.text()
    for label in dialog.findChildren(type(dialog.keyring_note)):
        assert "0123456789abcdef" not in label.text(), "never the key"

    dialog.add("gemini")
    ui.type_in("AIza" + "x" * 35, "the key question")
    qtbot.waitUntil(lambda: dialog.sources["gemini"].text().startswith("OS keyring"))
    dialog.remove("gemini")
    qtbot.waitUntil(lambda: dialog.sources["gemini"].text() == "none")
    assert dialog.results["gemini"].text() == "Removed."

    # Test makes the cheapest call: here against the fake server, not the provider.
    monkeypatch.setattr(
        keys_dialog,
        "check_request",
        lambda provider: key_check.check_request(
            provider, fake.api_base("openai"), model="openai/key-ui"
        ),
    )
    fake.script("key-ui", Stream(text="OK"))
    dialog.test("openai")
    qtbot.waitUntil(lambda: dialog.results["openai"].text() == "Works.")
    dialog.test("gemini")
    qtbot.waitUntil(lambda: "add one first" in dialog.results["gemini"].text())


def test_without_a_keyring_the_dialog_says_keys_are_kept_for_this_session(
    make_ui: Maker, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, no_keyring: None
) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    ui = make_ui()
    dialog = keys_dialog.open_keys(ui.window.library.context)
    qtbot.waitUntil(lambda: "no OS keyring" in dialog.keyring_note.text())
    dialog.add("gemini")
    ui.type_in("AIza" + "y" * 35, "the key question")
    qtbot.waitUntil(lambda: dialog.sources["gemini"].text() == SESSION_ONLY)
    assert "session only" in dialog.results["gemini"].text()
