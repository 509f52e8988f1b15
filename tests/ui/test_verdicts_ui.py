"""Verdicts in the window: the chair apart under the panes, a peer review's combined
ranking, and a blind round that gives no model away until the author votes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from desktop.core.records.model import Annotation, AnnotationKind, ChairMode
from desktop.core.transcript import save_session
from desktop.ui.composer.chair_dialog import ChairDialog
from tests.conftest import seat_for
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.ui.conftest import UI, three_seats

Maker = Callable[..., UI]
TABLE = "| claim | Response A | Response B | Response C |\n|---|---|---|---|\n| a taco | yes | no | no |\n| a sandwich | no | yes | silent |\n\nResponse B makes the strongest case."


def test_a_chair_apart_answers_under_the_panes_with_its_comparison(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    ui = make_ui(three_seats(fake))
    chair = seat_for(fake, "openai", "ui-chair", "The chair")
    ui.document.add_chair_seat(chair)
    ui.send("Is a hot dog a sandwich?")
    ui.settle()
    fake.script("ui-chair", Stream(text=TABLE))
    ui.window.menus  # noqa: B018 - built
    action = next(a for a in ui.window.findChildren(type(ui.window.menus.stop_all))
                  if a.text() == "Ask the c&hair…")  # fmt: skip
    action.trigger()
    dialog = ui.open_dialog(ChairDialog, "the chair's settings")
    assert dialog.chair_id() == chair.id, "the chair apart is offered first"
    dialog.mode.setCurrentIndex(dialog.mode.findData(ChairMode.COMPARE))
    dialog.accept()
    ui.settle()
    [pane] = ui.window.strip.chair_panes
    assert pane.isVisible()
    assert ui.window.strip.verdicts.isVisible()
    assert "Response B makes the strongest case." in pane.view.toPlainText()
    assert "a sandwich" in pane.view.toPlainText()
    key = pane.view.toPlainText()
    assert all(f"({label})" in key for label in ("Alpha", "Beta", "Gamma")), "the key, shown"
    assert [p.seat.label for p in ui.window.panes] == ["Alpha", "Beta", "Gamma"]
    sent = fake.requests("ui-chair")[-1].user_texts()[-1]
    assert "Alpha" not in sent
    ui.window.resize(1400, 900)
    ui.window.grab().save("/tmp/shot-chair.png")


def test_a_peer_review_shows_the_combined_ranking_under_the_panes(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    ui = make_ui(three_seats(fake))
    ui.send("Q?")
    ui.settle()
    for model in ("ui-a", "ui-b", "ui-c"):  # each puts the first letter it was shown first
        fake.script(model, Stream(text="Fine.\n\nFINAL RANKING:\n1. Response A\n2. Response B"))
    action = next(a for a in ui.window.findChildren(type(ui.window.menus.stop_all))
                  if a.text() == "&Peer review round")  # fmt: skip
    action.trigger()
    ui.settle()
    peer = ui.window.strip.verdicts.peer
    ui.wait(lambda: peer.isVisible(), "the peer review line")
    assert peer.text().startswith("⇅ Peer review")
    assert peer.toolTip().count("\n") == 2, "each seat's own ranking on hover"


def visible_texts(ui: UI) -> str:
    """Everything the window shows as text: its title, labels, buttons, panes."""
    texts = [ui.window.windowTitle()]
    texts += [w.text() for w in ui.window.findChildren(QLabel) if w.isVisible()]
    texts += [w.text() for w in ui.window.findChildren(QAbstractButton) if w.isVisible()]
    texts += [p.view.toPlainText() for p in ui.window.panes]
    texts += [p.title.full_text() for p in ui.window.panes]
    return "\n".join(texts)


def test_a_blind_round_names_no_model_until_the_vote(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    ui = make_ui(three_seats(fake))
    ui.document.path = None
    ui.window.composer.blind.setChecked(True)
    ui.window.composer.editor.setPlainText("Which is best?")
    ui.window.composer.submit()
    ui.settle()
    shown = visible_texts(ui)
    for name in ("Alpha", "Beta", "Gamma", "ui-a", "ui-b", "ui-c", "openai", "anthropic", "gemini"):
        assert name not in shown, f"{name} shown before the vote"
    assert sorted(p.title.full_text() for p in ui.window.panes) == ["Seat A", "Seat B", "Seat C"]
    assert "Blind round" in ui.window.windowTitle()
    ui.window.grab().save("/tmp/shot-blind-before.png")
    # A debate round before the vote names the quoted seats by their blind names too.
    from desktop.ui.composer.debate_dialog import DebateDialog

    ui.window.composer.debate.click()
    ui.open_dialog(DebateDialog, "the debate's instruction").accept()
    ui.settle()
    shown = visible_texts(ui)
    assert "Sent with the answers of Seat " in shown
    for name in ("Alpha", "Beta", "Gamma", "ui-a", "ui-b", "ui-c"):
        assert name not in shown, f"{name} shown in the debate round before the vote"
    first = ui.window.panes[0]
    ui.window.activateWindow()  # the dialog had it
    ui.wait(lambda: QApplication.activeWindow() is ui.window, "the window to be active again")
    first.focus_conversation()
    ui.wait(lambda: ui.window.strip.focused() is first, "the focus in the first pane")
    ui.window.votes.best()
    ui.wait(lambda: not ui.window.strip.blind, "the reveal")
    shown = visible_texts(ui)
    assert all(name in shown for name in ("Alpha", "Beta", "Gamma"))
    [vote] = [a for a in ui.document.session.annotations if a.kind is AnnotationKind.VOTE]
    voted = ui.document.session.turns[0].latest_reply(first.seat.id)
    assert voted is not None
    assert vote.target_id == voted.id, "on the blind round, though a debate followed it"
    ui.window.grab().save("/tmp/shot-blind-after.png")


def test_the_library_shows_the_scoreboard(make_ui: Maker, tmp_path: Path, qtbot: QtBot) -> None:
    from PySide6.QtGui import QAction

    from tests.core.test_scoreboard import round_of, table

    folder = tmp_path / "Library"
    folder.mkdir()
    session = table()
    for winner in (0, 0, 0, 1, 0, 2, 0):
        turn = round_of(session, blind=winner == 0)
        session.annotations.append(Annotation(AnnotationKind.VOTE, turn.replies[winner].id))
    save_session(session, folder / "votes.json")
    ui = make_ui()
    ui.window.library.use_folder(folder)
    next(a for a in ui.window.findChildren(QAction) if a.text() == "&Library…").trigger()
    library = ui.window.library.window
    assert library is not None
    qtbot.waitUntil(lambda: library.list.count() == 1)
    board = next(b for b in library.findChildren(QPushButton) if b.text() == "Scoreboard")
    board.click()
    actions = ui.window.library
    qtbot.waitUntil(lambda: actions.scoreboard_view is not None)
    view = actions.scoreboard_view
    assert view is not None
    qtbot.waitUntil(lambda: view.table.rowCount() == 3)

    def cell(row: int, column: int) -> str:
        item = view.table.item(row, column)
        return item.text() if item is not None else ""

    assert cell(0, 0) == "anthropic/claude"
    assert cell(0, 6) == "10", "its wins in blind turns: 5 votes, 2 beaten in each"
    assert all(cell(row, 7)[:1].isdigit() for row in range(3)), "a strength for each"
    view.grab().save("/tmp/shot-scoreboard.png")


def test_the_post_takes_the_scoreboard_as_a_block(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path, qtbot: QtBot
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop.core.records.post_blocks import ScoreboardBlock
    from tests.core.test_scoreboard import round_of, table

    folder = tmp_path / "Library"
    folder.mkdir()
    voted = table()
    for _ in range(3):
        turn = round_of(voted)
        voted.annotations.append(Annotation(AnnotationKind.VOTE, turn.replies[2].id))
    save_session(voted, folder / "votes.json")
    ui = make_ui(three_seats(fake))
    ui.window.library.use_folder(folder)
    ui.send("Q?")
    ui.settle()
    QTest.keyClick(ui.window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    view = ui.window.post_view
    qtbot.waitUntil(lambda: view.isVisible() and view.preview_ready)
    next(b for b in view.findChildren(QPushButton) if b.text() == "Add scoreboard").click()
    qtbot.waitUntil(
        lambda: any(isinstance(b, ScoreboardBlock) for b in ui.document.session.post.blocks)
    )
    [block] = [b for b in ui.document.session.post.blocks if isinstance(b, ScoreboardBlock)]
    assert block.lines[0].model == "gemini/gemini"
    qtbot.waitUntil(lambda: "Scoreboard of" in view.preview.toPlainText())
    ui.window.annotations.undo.undo()
    assert not any(isinstance(b, ScoreboardBlock) for b in ui.document.session.post.blocks)


def test_the_post_does_not_open_while_a_blind_round_awaits_the_vote(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    ui = make_ui(three_seats(fake))
    ui.window.composer.blind.setChecked(True)
    turn = ui.document.add_prompt("Which?", blind=True)
    ui.document.start(turn)
    ui.settle()
    ui.window.show_post(True)
    assert ui.window.pages.currentWidget() is not ui.window.post_view
    assert "Vote on the blind round first" in ui.window.statusBar().currentMessage()
    ui.window.panes[0].focus_conversation()
    ui.window.votes.best()
    ui.wait(lambda: not ui.window.strip.blind, "the reveal")
    ui.window.show_post(True)
    assert ui.window.pages.currentWidget() is ui.window.post_view
