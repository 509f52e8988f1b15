"""Building a post shaped like the sample in the post view: her commentary with a
quote, the attribution, sections reordered with a heading and a reaction, a display
edit with the original one click away, an excerpt, a card, an exchange from another
session; every step undone (real window, real worker, fake server)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QMenu, QToolButton
from pytestqt.qtbot import QtBot

from desktop.core.records.post_blocks import (
    AttributionBlock,
    ItemShow,
    PostBlock,
    SectionBlock,
    TextBlock,
)
from desktop.core.transcript import dumps
from desktop.ui.post.add_from_session import PickExchanges
from desktop.ui.post.view import PostView
from tests.core.test_post import session_of
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.ui.conftest import UI, three_seats
from tests.ui.test_annotating import select

Maker = Callable[..., UI]
SHIFT_CTRL = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
TAKE = "A beautiful vision that is probably doomed.\n\nThe lab is behind and wants a truce."


def menu_action(ui: UI, text: str) -> QAction:
    found = [a for a in ui.window.findChildren(QAction) if a.text().replace("&", "") == text]
    assert found, text
    return found[0]


def two_rounds(make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot) -> UI:
    ui = make_ui(three_seats(fake))
    fake.script("ui-a", Stream(text=TAKE), Stream(text="Fair: the memo says as much."))
    fake.script("ui-b", Stream(text="It is **aspirational**, and late."))
    fake.script("ui-c", Stream(text="Wait for us, says the lab."))
    ui.send("What is your take on the proposal?")
    ui.settle()
    alpha = ui.document.session.seats[0]
    ui.send("Here's my less diplomatic take: it is a plea to slow down.", [alpha.id])
    ui.settle()
    ui.window.activateWindow()
    return ui


def add_to_post(pick: PickExchanges) -> None:
    buttons = pick.findChild(QDialogButtonBox)
    assert buttons is not None
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def post_view(ui: UI, qtbot: QtBot) -> PostView:
    if not ui.window.post_view.isVisible():
        QTest.keyClick(ui.window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    view = ui.window.post_view
    qtbot.waitUntil(lambda: view.isVisible() and view.preview_ready)
    return view


def blocks(ui: UI) -> list[PostBlock]:
    return ui.document.session.post.blocks


def section(ui: UI, label: str) -> SectionBlock:
    seat = next(s for s in ui.document.session.seats if s.label == label)
    return next(b for b in blocks(ui) if isinstance(b, SectionBlock) and b.seat_id == seat.id)


def test_building_the_sample_posts_structure_and_undoing_each_step(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    ui = two_rounds(make_ui, fake, qtbot)
    view = post_view(ui, qtbot)
    undo = ui.window.annotations.undo

    # Her commentary first, bold from the formatting bar.
    view.blocks.setCurrentRow(-1)
    view.add_text()
    QTest.keyClicks(view.text, "I disagree.")
    view.text.selectAll()
    QTest.keyClick(view.text, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "**I disagree.**" in getattr(blocks(ui)[0], "markdown", ""))
    view.text.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(view.text, " As Alpha put it: ")

    # A quote from a pane lands at her cursor, named by number, stored with its target.
    QTest.keyClick(ui.window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    pane = ui.window.panes[0]
    QTest.keyClick(ui.window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    select(pane, "probably doomed")
    QTest.keyClick(pane.view, Qt.Key.Key_P, SHIFT_CTRL)
    view = post_view(ui, qtbot)
    assert view.text.toPlainText().endswith("As Alpha put it: [probably doomed](quote 1)")
    stored = blocks(ui)[0]
    assert isinstance(stored, TextBlock)
    reply_id = ui.document.session.turns[0].replies[0].id
    assert f"(roundtable:reply/{reply_id}?start=" in stored.markdown
    assert reply_id not in view.text.toPlainText(), "no ids for the writer"

    view.toggle_attribution()
    assert isinstance(blocks(ui)[1], AttributionBlock)

    # Gamma's section first (as a drop moves it), Beta's after Alpha's by keyboard.
    names = [type(b).__name__ for b in blocks(ui)]
    assert names == ["TextBlock", "AttributionBlock", *["SectionBlock"] * 3]
    view.blocks.model().moveRow(view.blocks.rootIndex(), 4, view.blocks.rootIndex(), 2)
    qtbot.waitUntil(lambda: blocks(ui)[2] is section(ui, "Gamma"))
    view.blocks.setCurrentRow(4)
    view.blocks.setFocus()
    QTest.keyClick(view.blocks, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    labels = [view.blocks.item(i).text().split(" — ")[0] for i in range(2, 5)]
    assert labels == ["Section: Gamma", "Section: Beta", "Section: Alpha"]

    # Alpha's section: a heading, the reaction from the picker.
    view.blocks.setCurrentRow(4)
    editor = view.section
    editor.heading.setText("Alpha, unfiltered")
    editor.heading.editingFinished.emit()
    picker = next(b for b in editor.findChildren(QToolButton) if b.toolTip() == "Choose a reaction")
    menu = picker.menu()
    assert isinstance(menu, QMenu)
    next(a for a in menu.actions() if a.text() == "🎤").trigger()
    alpha = section(ui, "Alpha")
    assert (alpha.heading, alpha.reaction) == ("Alpha, unfiltered", "🎤")

    # The follow-up's prompt shown shorter; the original one click away.
    editor.items.setCurrentRow(1)
    editor.prompt.setFocus()
    editor.prompt.selectAll()
    QTest.keyClicks(editor.prompt, "My less diplomatic take.")
    qtbot.waitUntil(lambda: section(ui, "Alpha").items[1].prompt == "My less diplomatic take.")
    editor.original.click()
    assert editor.prompt.toPlainText().startswith("Here's my less diplomatic take")
    assert editor.prompt.isReadOnly()
    editor.original.click()
    assert editor.prompt.toPlainText() == "My less diplomatic take."

    # The first answer as an excerpt: the words selected in the answer below.
    editor.items.setCurrentRow(0)
    cursor = editor.answer.textCursor()
    start = TAKE.index("A beautiful")
    cursor.setPosition(start)
    cursor.setPosition(TAKE.index(" that"), QTextCursor.MoveMode.KeepAnchor)
    editor.answer.setTextCursor(cursor)
    editor.show_as.setCurrentIndex(editor.show_as.findData(ItemShow.EXCERPT))
    editor.show_as.activated.emit(editor.show_as.currentIndex())
    first = section(ui, "Alpha").items[0]
    assert (first.show, first.start, first.end) == (ItemShow.EXCERPT, start, TAKE.index(" that"))

    # Beta's exchange as a picture card.
    view.blocks.setCurrentRow(3)
    view.section.items.setCurrentRow(0)
    view.section.show_as.setCurrentIndex(view.section.show_as.findData(ItemShow.CARD))
    view.section.show_as.activated.emit(view.section.show_as.currentIndex())
    assert section(ui, "Beta").items[0].show is ItemShow.CARD

    # An exchange from another saved session, with where it came from.
    other = session_of("Delta")
    other.title = "Last week's session"
    other_path = tmp_path / "other.json"
    other_path.write_bytes(dumps(other))
    menu_action(ui, "Add from session…").trigger()
    ui.choose_file(other_path)
    pick = ui.open_dialog(PickExchanges, "the exchange picker")
    assert pick.seats.currentText() == "Delta"
    assert pick.turns.count() == 1
    add_to_post(pick)
    qtbot.waitUntil(lambda: len(ui.document.session.sources) == 1)
    assert isinstance(blocks(ui)[-1], SectionBlock)

    qtbot.waitUntil(lambda: view.preview_ready and "Last week" in view.preview.toPlainText())
    page = view.preview.toPlainText()
    assert "I disagree." in page
    assert "drafted with assistance from" in page
    assert page.index("Gamma") < page.index("Beta") < page.index("Alpha, unfiltered 🎤")
    assert "A beautiful vision" in page
    assert "The lab is behind" not in page, "only the excerpt"
    assert "My less diplomatic take." in page
    assert "slow down" not in page, "the display edit, not the prompt as sent"
    assert "Delta thinks it is doomed." in page

    # Every step one undo; all of them back to the default post, and nothing imported.
    assert undo.count() >= 12
    while undo.canUndo():
        undo.undo()
    assert ui.document.session.post.blocks == []
    assert ui.document.session.sources == []
    while undo.canRedo():
        undo.redo()
    assert len(ui.document.session.sources) == 1
    assert section(ui, "Alpha").reaction == "🎤"


def test_removing_and_adding_an_exchange_in_a_section(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui = two_rounds(make_ui, fake, qtbot)
    view = post_view(ui, qtbot)
    view.blocks.setCurrentRow(0)
    editor = view.section
    assert editor.items.count() == 2
    editor.items.setCurrentRow(0)
    editor.remove_item()
    assert len(section(ui, "Alpha").items) == 1
    editor.add_button.click()
    menu = next(m for m in view.findChildren(QMenu) if m.isVisible())
    menu.actions()[0].trigger()
    items = section(ui, "Alpha").items
    assert [i.turn_id for i in items] == [t.id for t in reversed(ui.document.session.turns)]
    editor.items.setCurrentRow(1)
    editor.items.setFocus()
    QTest.keyClick(editor.items, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert section(ui, "Alpha").items[0].turn_id == ui.document.session.turns[0].id


def test_adding_from_a_damaged_session_says_so_and_twice_is_refused(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    ui = two_rounds(make_ui, fake, qtbot)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "roundtable.session", "version": 2, "seats": [', "utf-8")
    menu_action(ui, "Add from session…").trigger()
    ui.choose_file(broken)
    assert "broken.json" in ui.answer("OK")
    other_path = tmp_path / "other.json"
    other_path.write_bytes(dumps(session_of("Delta")))
    for time in (1, 2):
        menu_action(ui, "Add from session…").trigger()
        ui.choose_file(other_path)
        pick = ui.open_dialog(PickExchanges, "the exchange picker")
        add_to_post(pick)
        if time == 1:
            qtbot.waitUntil(lambda: len(ui.document.session.sources) == 1)
    assert "already in this session" in ui.answer("OK")
    assert len(ui.document.session.sources) == 1


def test_copy_as_picture_puts_the_focused_answer_on_the_clipboard(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui = two_rounds(make_ui, fake, qtbot)
    QTest.keyClick(ui.window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(ui.window.panes[1].view.hasFocus)
    menu_action(ui, "Copy as picture").trigger()
    image = QGuiApplication.clipboard().image()
    assert image.width() == 1440, "720 px at 2x, as the post's cards"
    assert image.height() > 100
    # Qt's offscreen platform crashes at exit while its clipboard holds data set from
    # Python (see test_post_view); the desktop platforms keep it.
    QGuiApplication.clipboard().clear()


def test_an_exchange_can_show_its_reasoning_folded_under_the_answer(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui = make_ui(three_seats(fake))
    fake.script("ui-a", Stream(text="Plain answer."))
    fake.script("ui-b", Stream(text="Thought-through answer.", thinking="Weighing it up."))
    ui.send("Q?")
    ui.settle()
    view = post_view(ui, qtbot)
    view.blocks.setCurrentRow(0)  # Alpha: no reasoning to show, none offered
    view.section.items.setCurrentRow(0)
    assert not view.section.with_reasoning.isVisibleTo(view.section)
    beta = next(i for i in range(view.blocks.count()) if "Beta" in view.blocks.item(i).text())
    view.blocks.setCurrentRow(beta)
    view.section.items.setCurrentRow(0)
    assert view.section.with_reasoning.isVisibleTo(view.section)
    view.section.with_reasoning.click()
    assert section(ui, "Beta").items[0].reasoning
    qtbot.waitUntil(lambda: "💭 Thought for" in view.preview.toPlainText())
    ui.window.annotations.undo.undo()
    shown = [i.reasoning for b in blocks(ui) if isinstance(b, SectionBlock) for i in b.items]
    assert not any(shown), "one undo step"
