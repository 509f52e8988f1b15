"""The session's budget in the window: set from Session → Budget… (undoable), shown
beside the totals, and a send that would likely pass it asks first (real window, real
worker, fake server with priced models)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from tests.conftest import seat_for
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.ui.conftest import UI

Maker = Callable[..., UI]


def test_a_send_over_budget_asks_first_and_no_keeps_the_prompt(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui = make_ui([seat_for(fake, "openai", "gpt-4o", "Priced")])  # litellm prices gpt-4o
    fake.script("gpt-4o", Stream(text="A priced answer.", usage=(20_000, 4_000)))
    ui.send("First?")
    ui.settle()
    cost = ui.document.session.turns[0].replies[0].cost_usd
    assert cost is not None
    assert cost > 0

    action = next(a for a in ui.window.findChildren(QAction) if a.text() == "&Budget…")
    action.trigger()
    dialog = ui.open_dialog(QInputDialog, "the budget question")
    dialog.setTextValue(f"{cost * 1.5:.4f}")
    dialog.accept()
    qtbot.waitUntil(lambda: ui.document.session.budget_usd is not None)
    assert "budget" in ui.window.totals.text()

    ui.window.composer.editor.setPlainText("Second?")
    QTest.keyClick(
        ui.window.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    text = ui.answer("No")
    assert "passes it" in text
    assert len(ui.document.session.turns) == 1, "nothing sent"
    assert ui.window.composer.editor.toPlainText() == "Second?", "nothing lost"

    fake.script("gpt-4o", Stream(text="Sent anyway.", usage=(20_000, 4_000)))
    QTest.keyClick(
        ui.window.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    ui.answer("Yes")
    ui.settle()
    assert len(ui.document.session.turns) == 2
    assert "(over)" in ui.window.totals.text()
    ui.window.annotations.undo.undo()
    assert ui.document.session.budget_usd is None


def test_each_pane_says_its_seats_cost_and_the_totals_the_last_turns(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    ui = make_ui(
        [seat_for(fake, "openai", "gpt-4o", "Priced"), seat_for(fake, "openai", "house", "Own")]
    )
    for _ in range(2):
        fake.script("gpt-4o", Stream(text="A priced answer.", usage=(10_000, 2_000)))
        ui.send("Again?")
        ui.settle()
    priced, own = ui.window.panes
    replies = [t.replies[0] for t in ui.document.session.turns]
    total = sum(r.cost_usd or 0 for r in replies)
    assert total > 0
    assert f"seat ${total:.4f}" in priced.numbers.text()
    assert "seat cost unknown" in own.numbers.text(), "no price for a model litellm lacks"
    assert "(last turn $" in ui.window.totals.text()
    assert "+ unknown" in ui.window.totals.text()
