"""The real window against the fake provider server, through the provider worker."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from desktop.core import transcript
from desktop.core.records.model import ReplyStatus, Seat, Session
from desktop.ui.composer.debate_dialog import DebateDialog
from desktop.ui.composer.forward_dialog import ForwardDialog
from desktop.ui.library.recovery import offer_recovery
from desktop.ui.settings.lineup_dialog import LineupDialog
from tests.conftest import PYTHON, ROOT, seat_for, subprocess_env
from tests.fakes.memory_keyring import MemoryKeyring
from tests.fakes.provider_server import Fail, FakeProviderServer, Stream
from tests.ui.conftest import UI, press, three_seats

Maker = Callable[..., UI]

MARKDOWN = (
    "## Verdict\n\n**No**, with *caveats*:\n\n- bread\n- filling\n\n```python\nprint('hi')\n```\n"
)


def pane_texts(ui: UI) -> list[str]:
    return [pane.view.toPlainText() for pane in ui.window.panes]


def type_and_send(ui: UI, qtbot: QtBot, text: str) -> None:
    ui.window.composer.editor.setPlainText(text)
    turns = len(ui.document.session.turns)
    qtbot.keyClick(  # type: ignore[no-untyped-call]
        ui.window.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert len(ui.document.session.turns) == turns + 1, "Ctrl+Enter did not send"


def test_a_prompt_streams_into_three_panes_on_three_wire_formats(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui = make_ui(three_seats(fake))
    fake.script("ui-a", Stream(text=MARKDOWN, chunks=12, delay=0.02))
    fake.script("ui-b", Stream(text="Beta says **yes**.", chunks=5, delay=0.02))
    fake.script("ui-c", Stream(text="Gamma: 是的 🌭", chunks=3, delay=0.02))
    type_and_send(ui, qtbot, "Is a hot dog a sandwich?")
    ui.settle()

    alpha, beta, gamma = pane_texts(ui)
    assert "Verdict" in alpha
    assert "## Verdict" not in alpha, "Markdown must be rendered, not shown raw"
    assert "print('hi')" in alpha
    assert "Beta says yes." in beta
    assert "Gamma: 是的 🌭" in gamma
    for text in (alpha, beta, gamma):
        assert "Is a hot dog a sandwich?" in text
    assert [p.state.text() for p in ui.window.panes] == ["done", "done", "done"]
    assert "12 in · 34 out" in ui.window.panes[0].numbers.text()
    assert ui.window.composer.editor.toPlainText() == ""
    assert ui.window.isWindowModified()


def test_a_follow_up_to_one_pane_reaches_only_that_seat(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui = make_ui(three_seats(fake))
    type_and_send(ui, qtbot, "First")
    ui.settle()
    address_alpha = next(
        a for a in ui.window.findChildren(QAction) if a.text() == "Address only pane &1"
    )
    assert address_alpha.shortcut().toString() == "Alt+1"
    address_alpha.trigger()
    assert [c.isChecked() for c in ui.window.composer.checks.values()] == [True, False, False]
    type_and_send(ui, qtbot, "Here's my less diplomatic take: no.")
    ui.settle()
    assert [len(fake.requests(m)) for m in ("ui-a", "ui-b", "ui-c")] == [2, 1, 1]
    assert "Echo: Here's my less diplomatic take: no." in pane_texts(ui)[0]
    assert "less diplomatic" not in pane_texts(ui)[1]


def test_forwarding_an_answer(make_ui: Maker, fake: FakeProviderServer) -> None:
    ui = make_ui(three_seats(fake))
    fake.script("ui-a", Stream(text="Alpha's view."))
    ui.send("Q")
    ui.settle()
    ui.window.panes[0].buttons["forward"].trigger()
    ui.open_dialog(ForwardDialog, "whom to forward to").accept()  # every other seat
    ui.settle()
    for model in ("ui-b", "ui-c"):
        assert "[Answer from Alpha]\nAlpha's view." in fake.requests(model)[-1].user_texts()[-1]
    assert len(fake.requests("ui-a")) == 1
    assert "[Answer from Alpha]" in pane_texts(ui)[1]


def test_a_debate_round(make_ui: Maker, fake: FakeProviderServer) -> None:
    ui = make_ui(three_seats(fake))
    ui.send("Q")
    ui.settle()
    ui.window.composer.debate.click()
    asked = ui.open_dialog(DebateDialog, "the debate's instruction")
    assert not asked.with_reasoning.isVisibleTo(asked), "no answer has any reasoning"
    asked.instruction.setPlainText("Fight!")
    asked.accept()
    ui.settle()
    last = fake.requests("ui-b")[-1].user_texts()[-1]
    assert last.startswith("Fight!")
    assert "[Answer from Alpha]" in last
    assert "[Answer from Gamma]" in last
    assert "[Answer from Beta]" not in last


def test_a_debate_round_sends_the_thinking_only_when_asked(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    ui = make_ui(three_seats(fake))
    # Twice: the first round's answers are the latest for the second.
    for _ in range(2):
        fake.script("ui-a", Stream(text="Alpha's answer.", thinking="Alpha's private musing."))
    ui.send("Q")
    ui.settle()
    for ticked in (False, True):
        ui.window.composer.debate.click()
        asked = ui.open_dialog(DebateDialog, "the debate's instruction")
        assert asked.with_reasoning.isVisibleTo(asked)
        asked.with_reasoning.setChecked(ticked)
        asked.accept()
        ui.settle()
        last = fake.requests("ui-b")[-1].user_texts()[-1]
        assert ("Alpha's private musing." in last) is ticked
        assert ("[Alpha's reasoning before answering]" in last) is ticked


def test_stop_mid_stream_keeps_the_text(make_ui: Maker, fake: FakeProviderServer) -> None:
    ui = make_ui(three_seats(fake)[:1])
    fake.script("ui-a", Stream(text="slowly " * 300, chunks=300, delay=0.03))
    ui.send("Q")
    pane = ui.window.panes[0]
    ui.wait(lambda: pane.state.text() == "streaming" and len(pane.reply.text) > 30, "streaming")  # type: ignore[union-attr]
    assert pane.buttons["stop"].isEnabled()
    pane.buttons["stop"].trigger()
    ui.settle()
    assert pane.state.text() == "stopped"
    reply = pane.reply
    assert reply is not None
    assert reply.status is ReplyStatus.STOPPED
    assert reply.text.startswith("slowly")
    assert "slowly slowly" in pane.view.toPlainText()
    assert "Stopped. The text so far is kept." in pane.view.toPlainText()
    assert pane.buttons["continue"].isEnabled()


def send_with_a_401_on_beta(make_ui: Maker, fake: FakeProviderServer) -> UI:
    ui = make_ui(three_seats(fake))
    fake.script(
        "ui-b",
        Fail(
            401,
            {
                "type": "error",
                "error": {"type": "authentication_error", "message": "invalid x-api-key"},
            },
        ),
    )
    ui.send("Q")
    ui.settle()
    return ui


def test_a_401_pane_shows_its_error_while_the_others_complete(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    ui = send_with_a_401_on_beta(make_ui, fake)
    states = [p.state.text() for p in ui.window.panes]
    assert states == ["done", "error", "done"]
    beta = pane_texts(ui)[1]
    assert "Anthropic rejected the API key" in beta
    assert "Add or fix the API key" in beta
    assert ui.window.panes[1].buttons["retry"].isEnabled()
    assert not ui.window.panes[0].buttons["key"].isVisible()
    assert ui.window.panes[1].buttons["key"].isVisible()


def test_a_dead_server_says_what_to_do_once(make_ui: Maker, fake: FakeProviderServer) -> None:
    ui = make_ui([Seat("Gone", "openai/gone", api_base="http://127.0.0.1:9/v1")])
    ui.send("Anyone there?")
    ui.settle()
    shown = pane_texts(ui)[0]
    assert "Could not reach OpenAI" in shown
    assert shown.lower().count("retry") == 1, shown


def test_add_key_stores_it_in_the_os_keyring_and_nowhere_else(
    make_ui: Maker,
    fake: FakeProviderServer,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    ui = send_with_a_401_on_beta(make_ui, fake)
    ui.window.panes[1].buttons["key"].trigger()
    ui.type_in("typed-in-anthropic-key", "the key question")
    ui.wait(lambda: bool(memory_keyring.passwords), "the key to be stored")
    assert memory_keyring.passwords == {("roundtable", "anthropic"): "typed-in-anthropic-key"}
    ui.settle()
    path = tmp_path / "s.json"
    ui.run(ui.document.save(path))
    assert "typed-in-anthropic-key" not in path.read_text(encoding="utf-8")


def test_save_and_reopen_gives_identical_panes(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    fake.script("ui-a", Stream(text=MARKDOWN))
    fake.script("ui-c", Stream(text="cut here please", chunks=5, cut_after=2))
    ui.send("Q")
    ui.settle()
    path = tmp_path / "saved.json"
    ui.run(ui.document.save(path))
    assert not ui.window.isWindowModified()
    assert ui.window.windowTitle().startswith("saved.json")

    other = make_ui()
    assert other.window.files.open_path(path)
    assert pane_texts(other) == pane_texts(ui)
    before = [(p.state.text(), p.numbers.text()) for p in ui.window.panes]
    after = [(p.state.text(), p.numbers.text()) for p in other.window.panes]
    assert after == before


CRASHING_INSTANCE = """
import asyncio, os, sys
from pathlib import Path
from desktop.core.session.document import SessionDocument
from desktop.core.records.model import ReplyStatus, Seat
from desktop.core.session.recovery import RecoveryStore
from tests.fakes.scripted_gateway import ScriptedGateway

async def main():
    document = SessionDocument(ScriptedGateway(), recovery=RecoveryStore(Path(sys.argv[1])))
    document.new([Seat("Alpha", "openai/a"), Seat("Beta", "openai/b")])
    turn = document.add_prompt("Remember me")
    turn.replies[0].text = "Half an answer"
    turn.replies[0].status = ReplyStatus.STREAMING
    document.set_draft("My blunter take, not sent yet", [])
    assert await document.autosave()
    os._exit(3)  # a crash: no clean shutdown, the lock dies with the process

asyncio.run(main())
"""


def crash_an_instance(folder: Path) -> None:
    """Run a Roundtable instance that autosaves a session mid-stream, then dies."""
    done = subprocess.run(
        [PYTHON, "-c", CRASHING_INSTANCE, str(folder)],
        env=subprocess_env(),
        cwd=ROOT,  # where the tests package is
        check=False,
    )
    assert done.returncode == 3


def test_a_crash_recovery_file_survives_other_runs_until_offered_and_is_restored(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    folder = tmp_path / "crash"
    crash_an_instance(folder)
    [crashed] = folder.glob("*.json")
    # Another instance that is not offered it (a scripted --send run, a file opened from
    # the command line) autosaves and exits cleanly: the crashed session must survive.
    scripted = make_ui(three_seats(fake)[:1], recovery=folder)
    scripted.send("Something else")
    scripted.settle()
    scripted.run(scripted.document.autosave())
    scripted.run(scripted.document.shutdown())
    assert crashed.exists()
    scripted.document.discard_changes()  # its own unsaved session is not under test

    fresh = make_ui(recovery=folder)
    offered = fresh.loop.create_task(offer_recovery(fresh.window, fresh.document))
    asked = fresh.answer("Restore")
    assert fresh.run(offered)
    assert "the prompt you had not sent" in asked
    assert "Remember me" in pane_texts(fresh)[0]
    assert "Half an answer" in pane_texts(fresh)[0]
    assert fresh.document.session.turns[0].replies[0].status is ReplyStatus.STOPPED
    assert fresh.window.isWindowModified(), "a recovered session is saved nowhere else"
    assert fresh.window.composer.editor.toPlainText() == "My blunter take, not sent yet"
    # The old file goes once this instance's own recovery file holds the session.
    fresh.wait(lambda: not crashed.exists(), "the recovery file to be adopted")
    assert fresh.document.recovery is not None
    assert fresh.document.recovery.path.exists()


def test_a_recovery_file_left_for_later_is_offered_again(make_ui: Maker, tmp_path: Path) -> None:
    folder = tmp_path / "later"
    crash_an_instance(folder)
    first = make_ui(recovery=folder)
    offered = first.loop.create_task(offer_recovery(first.window, first.document))
    first.answer("Decide later")
    assert not first.run(offered)
    first.run(first.document.shutdown())
    second = make_ui(recovery=folder)
    offered = second.loop.create_task(offer_recovery(second.window, second.document))
    second.answer("Discard")
    assert not second.run(offered)
    assert not list(folder.glob("*.json")), "discarded: nothing is offered again"


def test_an_unsent_prompt_left_at_a_clean_exit_comes_back_with_its_file(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    folder = tmp_path / "clean"
    first = make_ui(three_seats(fake)[:1], recovery=folder)
    first.send("Q")
    first.settle()
    first.run(first.document.save(tmp_path / "mine.json"))
    first.window.composer.editor.setPlainText("A thought for later")
    first.wait(lambda: bool(first.document.draft), "the draft to reach the document")
    first.run(first.document.shutdown())

    second = make_ui(recovery=folder)
    offered = second.loop.create_task(offer_recovery(second.window, second.document))
    asked = second.answer("Restore")
    assert second.run(offered)
    assert asked == "Roundtable was closed with a prompt you had not sent. Restore it?"
    assert second.document.path == tmp_path / "mine.json"
    assert not second.window.isWindowModified()
    assert second.window.composer.editor.toPlainText() == "A thought for later"


def test_editing_the_lineup_adds_reorders_and_removes_seats_keeping_history(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    ui.send("Q")
    ui.settle()
    beta_id = ui.document.session.seats[1].id

    dialog = LineupDialog(ui.document.session.active_seats)
    dialog.table.setCurrentCell(1, 0)
    press(dialog, "&Remove seat")  # Beta leaves
    press(dialog, "&Add seat")
    for column, value in enumerate(
        ("Delta", "openai/ui-d", fake.api_base("openai"), "0.5", "Be terse.")
    ):
        dialog.table.item(2, column).setText(value)  # type: ignore[union-attr]
    press(dialog, "Move &up")  # Delta before Gamma
    ui.document.set_lineup(dialog.seats())

    assert [p.seat.label for p in ui.window.panes] == ["Alpha", "Delta", "Gamma"]
    assert [c.text() for c in ui.window.composer.checks.values()] == ["Alpha", "Delta", "Gamma"]
    delta = ui.document.session.active_seats[1]
    assert (delta.temperature, delta.system_prompt) == (0.5, "Be terse.")
    ui.send("Second")
    ui.settle()
    assert len(fake.requests("ui-b")) == 1, "a removed seat is sent nothing"
    assert fake.requests("ui-d")[0].conversation() == [("system", "Be terse."), ("user", "Second")]

    # The removed seat's answer is still in the session and survives a save.
    path = tmp_path / "lineup.json"
    ui.run(ui.document.save(path))
    other = make_ui()
    assert other.window.files.open_path(path)
    beta = other.document.session.seat(beta_id)
    assert beta.removed
    assert other.document.session.turns[0].latest_reply(beta_id) is not None
    assert [p.seat.label for p in other.window.panes] == ["Alpha", "Delta", "Gamma"]

    other.window.panes[0].buttons["remove"].trigger()
    assert "Take Alpha from the table?" in other.answer("Yes")
    other.wait(lambda: len(other.window.panes) == 2, "the seat to leave")
    assert [p.seat.label for p in other.window.panes] == ["Delta", "Gamma"]


def test_the_lineup_dialog_names_the_row_at_fault(qtbot: QtBot) -> None:
    dialog = LineupDialog([])
    qtbot.addWidget(dialog)
    press(dialog, "&Add seat")
    dialog.table.item(0, 0).setText("Only a label")  # type: ignore[union-attr]
    with pytest.raises(
        ValueError, match=r"Seat 1 \(Only a label\): a label and a model are required"
    ):
        dialog.seats()
    dialog.table.item(0, 1).setText("openai/x")  # type: ignore[union-attr]
    dialog.table.item(0, 3).setText("hot")  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="temperature must be a number from 0 to 2"):
        dialog.seats()


def test_send_is_disabled_with_the_reason_shown(make_ui: Maker, fake: FakeProviderServer) -> None:
    ui = make_ui(three_seats(fake))
    composer = ui.window.composer
    assert not composer.send.isEnabled()
    assert composer.reason.text() == "Type a prompt"
    composer.editor.setPlainText("Hello")
    assert composer.send.isEnabled()
    composer.select_only([])
    assert (composer.send.isEnabled(), composer.reason.text()) == (
        False,
        "Choose at least one seat",
    )
    composer.select_only([ui.document.session.seats[0].id])
    fake.script("ui-a", Stream(text="slow " * 100, chunks=100, delay=0.02))
    composer.submit()
    assert (composer.send.isEnabled(), composer.reason.text()) == (False, "Waiting for answers…")
    ui.settle()
    assert composer.reason.text() == "Type a prompt"


def test_sync_scrolling_lines_up_the_same_turn_in_every_pane(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    ui = make_ui(three_seats(fake)[:2])

    def paragraphs(count: int, what: str) -> str:
        return "\n\n".join(f"{what} {i}" for i in range(count))

    fake.script("ui-a", Stream(text=paragraphs(150, "Long"), chunks=10))
    fake.script("ui-b", Stream(text=paragraphs(10, "Short"), chunks=5))
    for name in ("ui-a", "ui-b"):
        fake.script(name, Stream(text=paragraphs(150, "Second"), chunks=10))
    ui.send("First")
    ui.settle()
    ui.send("Second")
    ui.settle()
    a, b = ui.window.panes
    bar_a, bar_b = a.view.verticalScrollBar(), b.view.verticalScrollBar()
    second_a, second_b = a.view.turn_anchors()[1][1], b.view.turn_anchors()[1][1]
    assert second_a > 2 * second_b, "the first answers differ in length"

    bar_b.setValue(0)
    bar_a.setValue(round(second_a))
    assert bar_b.value() == 0, "panes scroll on their own by default"
    ui.window.menus.sync.trigger()
    bar_a.setValue(round(second_a) + 1)
    assert abs(bar_b.value() - second_b) <= 2, "the second turn is at the top of both panes"
    bar_a.setValue(round(second_a / 2))
    assert abs(bar_b.value() - second_b / 2) <= 2, "halfway into the first turn in both"


def test_closing_with_unsaved_changes_asks(make_ui: Maker, fake: FakeProviderServer) -> None:
    ui = make_ui(three_seats(fake))
    ui.send("Q")
    ui.settle()
    assert not ui.window.close()
    asked = ui.answer("Cancel")
    ui.settle()
    assert ui.window.isVisible()
    assert asked == "This session has unsaved changes. Save them?"


def test_closing_with_save_waits_for_the_write_and_stays_open_when_it_fails(
    make_ui: Maker, fake: FakeProviderServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    ui.send("Q")
    ui.settle()
    unwritable = tmp_path / "no such folder" / "s.json"

    async def choose_unwritable(*_args: object) -> str:
        return str(unwritable)  # Qt's own file dialog would not offer a missing folder

    monkeypatch.setattr("desktop.ui.utils.dialogs.save_path", choose_unwritable)
    ui.window.close()
    ui.answer("Save")
    warning = ui.answer("OK")
    ui.settle()
    assert "Could not save" in warning
    assert str(unwritable) in warning
    assert ui.window.isVisible(), "a failed save must not close the window"
    assert ui.window.isWindowModified()

    monkeypatch.undo()
    path = tmp_path / "kept.json"
    closed: list[bool] = []
    ui.window.closed.connect(lambda: closed.append(path.exists()))
    ui.window.close()
    ui.answer("Save")
    ui.choose_file(path)
    ui.wait(lambda: bool(closed), "the window to close")
    assert closed == [True], "the window closed before the file was written"
    assert not ui.window.isVisible()


def test_replies_keep_streaming_while_a_save_dialog_waits_for_the_user(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    # A modal exec() inside a task stopped every other task until it closed: the reply
    # froze behind the dialog.
    ui = make_ui(three_seats(fake)[:1])
    fake.script("ui-a", Stream(text="word " * 40, chunks=40, delay=0.02))
    ui.send("Q")
    pane = ui.window.panes[0]
    ui.wait(lambda: pane.reply is not None and bool(pane.reply.text), "the stream to start")
    next(a for a in ui.window.findChildren(QAction) if a.text() == "&Save").trigger()
    ui.open_dialog(QFileDialog, "the save dialog")
    ui.wait(lambda: ui.document.idle, "the reply to finish behind the dialog")
    assert pane.reply is not None
    assert pane.reply.status is ReplyStatus.COMPLETE
    assert "word word" in pane.view.toPlainText()
    ui.choose_file(tmp_path / "after.json")
    ui.wait(lambda: not ui.window.isWindowModified(), "the save")
    assert "word " * 40 in (tmp_path / "after.json").read_text(encoding="utf-8")


def test_a_reply_that_finishes_while_the_user_picks_a_file_to_open_is_asked_about(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    # The question used to come before the file dialog: a session saved (so clean) while
    # a reply streamed was replaced without a word once the reply had finished.
    other = tmp_path / "other.json"
    transcript.save_session(Session(title="Other", seats=three_seats(fake)[:1]), other)
    ui = make_ui(three_seats(fake)[:1])
    fake.script("ui-a", Stream(text="late " * 40, chunks=40, delay=0.02))
    ui.send("Q")
    ui.run(ui.document.save(tmp_path / "mine.json"))
    next(a for a in ui.window.findChildren(QAction) if a.text() == "&Open…").trigger()
    ui.open_dialog(QFileDialog, "the open dialog")
    ui.wait(lambda: ui.document.idle and ui.document.dirty, "the reply to finish")
    ui.choose_file(other)
    assert "unsaved changes" in ui.answer("Save")
    ui.wait(lambda: ui.document.session.title == "Other", "the other session to open")
    assert "late " * 40 in (tmp_path / "mine.json").read_text(encoding="utf-8")


def test_quitting_mid_stream_stops_it_and_a_discarded_session_leaves_no_recovery(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake)[:1], recovery=tmp_path / "quit")
    assert ui.document.recovery is not None
    recovery = ui.document.recovery.path
    fake.script("ui-a", Stream(text="slowly " * 300, chunks=300, delay=0.03))
    ui.send("Q")
    pane = ui.window.panes[0]
    ui.wait(lambda: pane.reply is not None and len(pane.reply.text) > 20, "streaming")
    ui.wait(recovery.exists, "the autosave while streaming")
    ui.window.close()
    ui.answer("Discard")
    ui.wait(lambda: not ui.window.isVisible(), "the window to close")
    ui.run(ui.document.shutdown())
    assert pane.reply is not None
    assert pane.reply.status is ReplyStatus.STOPPED, pane.reply.error
    assert not recovery.exists(), "a discarded session must not be offered back"
    ui.wait(lambda: bool(fake.disconnects("ui-a")), "the stream to be closed")


def test_pane_widths_are_remembered_per_seat_count(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    seats = three_seats(fake)
    ui = make_ui(seats)
    splitter = ui.window.strip
    ui.wait(lambda: splitter.width() > 600, "the window to be laid out")
    equal = splitter.sizes()
    assert max(equal) - min(equal) <= 2, "panes start at equal widths"
    drag_handle(splitter.handle(1), 150)  # widen the first pane
    first_share = splitter.sizes()[0] / sum(splitter.sizes())
    assert first_share > 0.45
    ui.document.discard_changes()
    ui.window.close()

    again = make_ui(seats)  # same settings file
    sizes = again.window.strip.sizes()
    assert abs(sizes[0] / sum(sizes) - first_share) < 0.02
    again.document.set_lineup(seats[:2])
    two = again.window.strip.sizes()
    assert abs(two[0] - two[1]) <= 2, "another seat count starts at equal widths"


def drag_handle(handle: QWidget, dx: int) -> None:
    """Drag a splitter handle with the left button held, as a user does (QTest's
    mouseMove carries no buttons, so a splitter ignores it)."""
    start = QPointF(handle.rect().center())
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    steps = [
        (QEvent.Type.MouseButtonPress, start, left, left),
        (QEvent.Type.MouseMove, start + QPointF(dx, 0), none, left),
        (QEvent.Type.MouseButtonRelease, start + QPointF(dx, 0), left, none),
    ]
    for kind, pos, button, held in steps:
        global_pos = QPointF(handle.mapToGlobal(pos.toPoint()))
        event = QMouseEvent(kind, pos, global_pos, button, held, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(handle, event)


def test_six_panes_with_long_names_fit_a_laptop_screen(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    seats = [
        seat_for(fake, "openai", f"wide-{i}", f"Seat {i} with a rather long label indeed")
        for i in range(6)
    ]
    ui = make_ui(seats)
    fake.script("wide-0", Stream(text="slowly " * 50, chunks=50, delay=0.02))
    ui.send("Q")
    pane = ui.window.panes[0]
    ui.wait(lambda: pane.state.text() == "streaming", "a pane streaming, busy bar shown")
    assert ui.window.minimumSizeHint().width() <= 1280
    ui.settle()
    assert ui.window.minimumSizeHint().width() <= 1280


def test_reply_actions_work_from_the_keyboard_on_the_focused_pane(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui = make_ui(three_seats(fake))
    ui.send("Q")
    ui.settle()
    ui.window.activateWindow()
    QTest.keyClick(ui.window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ui.window.panes[1].view.hasFocus())
    QTest.keyClick(ui.window.panes[1].view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    ui.settle()
    assert [len(fake.requests(m)) for m in ("ui-a", "ui-b", "ui-c")] == [1, 2, 1]
    QTest.keyClick(
        ui.window.panes[1].view,
        Qt.Key.Key_Q,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert ui.window.composer.editor.toPlainText().startswith("> ")


def test_a_new_turn_and_a_retry_draw_only_themselves(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    ui = make_ui(three_seats(fake))
    for prompt in ("First", "Second"):
        ui.send(prompt)
        ui.settle()
    views = [pane.view for pane in ui.window.panes]
    before = [(v.clears, v.turns_drawn) for v in views]
    history = [v.toPlainText() for v in views]

    ui.send("Third")
    ui.settle()
    assert [(v.clears, v.turns_drawn) for v in views] == [(c, t + 1) for c, t in before]
    for view, earlier in zip(views, history, strict=True):
        assert view.toPlainText().startswith(earlier)

    fake.script("ui-b", Stream(text="A better answer."))
    ui.window.panes[1].buttons["retry"].trigger()
    ui.settle()
    assert [(v.clears, v.turns_drawn) for v in views] == [(c, t + 1) for c, t in before]
    assert pane_texts(ui)[1].startswith(history[1])
    assert pane_texts(ui)[1].rstrip().endswith("A better answer.")
    assert pane_texts(ui)[1].count("Third") == 1, "the retried reply replaced the old one"


def test_session_totals_never_wipe_a_message_for_the_user(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    ui = make_ui(three_seats(fake))
    ui.window.say("Could not save /nowhere/s.json: Permission denied")
    ui.send("Q")
    ui.settle()
    assert ui.window.statusBar().currentMessage().startswith("Could not save")
    assert ui.window.totals.text().startswith("Session: 36 tokens in · 102 out")


def test_a_background_job_that_fails_is_told_to_the_user_and_logged(
    make_ui: Callable[..., UI], fake: FakeProviderServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Tasks.spawn never read a task's exception: a failing job was lost without a word."""
    import asyncio

    ui = make_ui(three_seats(fake))

    async def breaks() -> None:
        await asyncio.sleep(0)
        raise OSError(28, "No space left on device")

    async def cancelled() -> None:
        await asyncio.sleep(3600)

    waiting = ui.window.tasks.spawn(cancelled())
    waiting.cancel()
    ui.window.tasks.spawn(breaks())
    said = ui.answer("OK")
    assert "failed" in said
    assert "No space left on device" in said
    assert "A background job failed" in caplog.text
    assert "OSError" in caplog.text


def test_an_app_setting_changed_in_one_window_applies_in_another(
    make_ui: Callable[..., UI], fake: FakeProviderServer, tmp_path: Path
) -> None:
    """Attachment limits lived on each window's document and the library folder on each
    window's library: set in one window, the others went on with their own."""
    from desktop.core.attachments import MB, AttachmentLimits
    from desktop.ui.settings.limits_dialog import LimitsDialog

    first, second = make_ui(three_seats(fake)), make_ui(three_seats(fake))
    wanted = AttachmentLimits(per_file=12 * MB, per_turn=20 * MB)
    menu = next(a for a in first.window.findChildren(QAction) if a.text() == "Attachment &limits…")
    menu.trigger()
    dialog = first.open_dialog(LimitsDialog, "the limits dialog")
    dialog.per_file.setValue(12)
    dialog.per_turn.setValue(20)
    dialog.accept()
    first.wait(lambda: first.document.limits == wanted, "the limits used")
    assert second.document.limits == wanted, "the other window uses them too"
    folder = tmp_path / "Shared library"
    first.window.library.use_folder(folder)
    assert second.window.library.folder == folder
    assert first.window.library.folder == folder
    third = make_ui(three_seats(fake))
    assert (third.document.limits, third.window.library.folder) == (wanted, folder)
