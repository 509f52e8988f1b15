"""A seat on the team's LiteLLM proxy in the window: the real proxy in front of the fake
server; the proxy's refusal of a virtual key shows in the pane, and the key the user
then adds makes the retry stream (real window, real worker)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.core.records.model import ReplyStatus, Seat
from desktop.providers.worker_client import WorkerGateway
from desktop.ui.settings.keys_dialog import open_keys
from desktop.ui.utils.window_context import WindowContext
from tests.fakes.litellm_proxy import LiteLLMProxy
from tests.fakes.memory_keyring import MemoryKeyring
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.ui.conftest import UI
from tests.ui.test_keys_dialog import no_keyring  # noqa: F401 - a fixture

Maker = Callable[..., UI]


@pytest.fixture(autouse=True)
def forget_proxy_key(ui_gateway: WorkerGateway) -> Iterator[None]:
    yield
    ui_gateway.use_key("litellm_proxy", None)


@pytest.mark.usefixtures("no_keyring")
def test_the_proxys_refusal_shows_in_the_pane_and_a_new_key_makes_the_retry_stream(
    make_ui: Maker,
    fake: FakeProviderServer,
    litellm_proxy: LiteLLMProxy,
    ui_gateway: WorkerGateway,
) -> None:
    ui_gateway.use_key("litellm_proxy", "someone-elses-virtual-key")
    ui = make_ui([Seat("House", "litellm_proxy/house", api_base=litellm_proxy.url)])
    ui.send("Who routes this?")
    ui.settle()
    [pane] = ui.window.panes
    assert pane.state.text() == "error"
    shown = pane.view.toPlainText()
    assert "LiteLLM proxy rejected the API key" in shown
    assert "not one of the team's" in shown
    assert pane.buttons["key"].isVisible()
    assert fake.requests() == []

    pane.buttons["key"].trigger()
    ui.type_in(litellm_proxy.team_key, "the key question")
    ui.wait(lambda: "session only" in ui.window.statusBar().currentMessage(), "the key kept")
    fake.script("proxy-house", Stream(text="The proxy does, with its own key.", chunks=3))
    pane.buttons["retry"].trigger()
    ui.settle()
    assert pane.reply is not None
    assert pane.reply.status is ReplyStatus.COMPLETE
    assert pane.reply.text == "The proxy does, with its own key."
    assert litellm_proxy.upstream_key in str(fake.requests("proxy-house")[-1].headers)


def test_settings_team_gateway_sends_every_plain_seat_through_the_proxy(
    make_ui: Maker,
    fake: FakeProviderServer,
    litellm_proxy: LiteLLMProxy,
    ui_gateway: WorkerGateway,
) -> None:
    ui_gateway.use_key("litellm_proxy", litellm_proxy.team_key)
    ui = make_ui([Seat("Plain", "openai/gui-routed")])
    other = make_ui([Seat("Other", "openai/other-window")])
    menu = next(a for a in ui.window.findChildren(QAction) if a.text() == "Team &gateway…")

    def answer(typed: str) -> None:
        menu.trigger()
        dialog = ui.open_dialog(QInputDialog, "the gateway dialog")
        dialog.setTextValue(typed)
        dialog.accept()

    answer("gateway.internal")
    assert "not a proxy address" in ui.open_dialog(QMessageBox, "the warning").text()
    assert ui_gateway.team_gateway is None
    ui.open_dialog(QMessageBox).accept()

    answer(f" {litellm_proxy.url}/ ")
    ui.wait(lambda: ui_gateway.team_gateway == litellm_proxy.url, "the gateway used")
    assert other.window.app_settings.team_gateway() == litellm_proxy.url, "by every window"
    assert ui.window.settings.value("gateway/url") == litellm_proxy.url
    assert "team gateway" in ui.window.statusBar().currentMessage()
    ui.send("Through whom?")
    ui.settle()
    [sent] = fake.requests("gui-routed")
    assert litellm_proxy.upstream_key in str(sent.headers)

    answer("")
    ui.wait(lambda: ui_gateway.team_gateway is None, "the gateway dropped")
    assert ui.window.settings.value("gateway/url") is None


def test_the_keys_dialog_tests_the_proxys_key_on_a_model_the_table_uses_there(
    make_ui: Maker,
    fake: FakeProviderServer,
    litellm_proxy: LiteLLMProxy,
    ui_gateway: WorkerGateway,
    memory_keyring: MemoryKeyring,
    qtbot: QtBot,
) -> None:
    ui = make_ui([Seat("Plain", "openai/key-check")])
    dialog = open_keys(
        WindowContext(
            ui.window,
            ui.document,
            ui.window.tasks,
            ui.window.say,
            ui.window.app_settings,
        )
    )
    result = dialog.results["litellm_proxy"]
    memory_keyring.set_password("roundtable", "litellm_proxy", "sk-not-the-teams")
    dialog.test("litellm_proxy")
    qtbot.waitUntil(lambda: result.text() not in ("", "Testing…"))
    assert "Nothing to test it on" in result.text(), "no gateway and no proxy seat"

    ui.window.app_settings.set_team_gateway(litellm_proxy.url)
    ui_gateway.use_key("litellm_proxy", "sk-not-the-teams")
    dialog.test("litellm_proxy")
    qtbot.waitUntil(lambda: result.text() not in ("", "Testing…"), timeout=30_000)
    assert result.text().startswith("Rejected")

    ui_gateway.use_key("litellm_proxy", litellm_proxy.team_key)
    dialog.test("litellm_proxy")
    qtbot.waitUntil(lambda: result.text() not in ("", "Testing…"), timeout=30_000)
    assert result.text() == "Works."
    assert fake.requests("key-check")[-1].body["max_tokens"] == 1
    dialog.close()
