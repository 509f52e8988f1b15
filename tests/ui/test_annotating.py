"""Highlight, comment and star in the panes, from the keyboard and the context menu,
with undo; the marks are drawn over the rendered answer and survive save and reopen
(real window, real worker, fake server)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from desktop.core.records.model import AnnotationKind
from desktop.ui.table.pane import SeatPane
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.ui.conftest import UI, three_seats

Maker = Callable[..., UI]
ANSWER = "Meta's proposal is a **beautiful vision** that's probably doomed.\n\n- one\n- two"
SHIFT_CTRL = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def select(pane: SeatPane, words: str) -> None:
    """Select ``words`` in the pane's rendered text, as a mouse drag would."""
    shown = pane.view.toPlainText()
    start = shown.index(words)
    cursor = pane.view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(words), QTextCursor.MoveMode.KeepAnchor)
    pane.view.setTextCursor(cursor)


def marked(pane: SeatPane) -> list[str]:
    return [s.cursor.selectedText() for s in pane.view.extraSelections()]


def answered(make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot) -> tuple[UI, SeatPane]:
    ui = make_ui(three_seats(fake)[:2])
    fake.script("ui-a", Stream(text=ANSWER))
    fake.script("ui-b", Stream(text="Fine."))
    ui.send("Take?")
    ui.settle()
    ui.window.activateWindow()
    pane = ui.window.panes[0]
    QTest.keyClick(ui.window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(pane.view.hasFocus)
    return ui, pane


def test_highlight_from_the_keyboard_marks_the_rendered_words_and_undoes(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, tmp_path: Path
) -> None:
    ui, pane = answered(make_ui, fake, qtbot)
    reply = pane.reply
    assert reply is not None
    select(pane, "beautiful vision that")
    QTest.keyClick(pane.view, Qt.Key.Key_H, SHIFT_CTRL)
    (mark,) = ui.document.session.annotations
    assert (mark.kind, mark.target_id) == (AnnotationKind.HIGHLIGHT, reply.id)
    # The range is in the reply's own Markdown; the words are found again rendered.
    assert reply.text[mark.start : mark.end] == "beautiful vision** that"
    assert mark.exact == "beautiful vision** that"
    assert marked(pane) == ["beautiful vision that"]
    assert ui.window.isWindowModified()

    QTest.keyClick(pane.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ui.document.session.annotations == []
    assert marked(pane) == []
    QTest.keyClick(pane.view, Qt.Key.Key_Z, SHIFT_CTRL)
    assert ui.document.session.annotations == [mark]

    path = tmp_path / "marked.json"
    ui.run(ui.document.save(path))
    assert ui.window.files.open_path(path)
    assert marked(ui.window.panes[0]) == ["beautiful vision that"], "kept across reopening"


def test_without_a_selection_highlight_says_what_to_do(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui, pane = answered(make_ui, fake, qtbot)
    QTest.keyClick(pane.view, Qt.Key.Key_H, SHIFT_CTRL)
    assert ui.document.session.annotations == []
    assert ui.window.statusBar().currentMessage() == "Select some words in an answer first."


def test_comment_from_the_context_menu_and_star_from_the_keyboard(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui, pane = answered(make_ui, fake, qtbot)
    select(pane, "probably doomed")
    pane.view.customContextMenuRequested.emit(QPoint(10, 10))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    texts = [a.text() for a in menu.actions()]
    assert "&Highlight selection" in texts, "the usual Copy, then the marks"
    action = next(a for a in menu.actions() if a.text() == "Co&mment on selection…")
    menu.close()
    action.trigger()
    dialog = ui.open_dialog(QInputDialog, "the comment question")
    dialog.setTextValue("Too kind by half.")
    dialog.accept()
    qtbot.waitUntil(lambda: bool(ui.document.session.annotations))
    (comment,) = ui.document.session.annotations
    assert (comment.kind, comment.note, comment.exact) == (
        AnnotationKind.COMMENT, "Too kind by half.", "probably doomed",
    )  # fmt: skip
    assert marked(pane) == ["probably doomed"]

    ui.window.activateWindow()  # back from the dialog
    pane.focus_conversation()
    qtbot.waitUntil(pane.view.hasFocus)
    QTest.keyClick(pane.view, Qt.Key.Key_B, SHIFT_CTRL)
    assert pane.numbers.text().startswith("★ starred")
    QTest.keyClick(pane.view, Qt.Key.Key_B, SHIFT_CTRL)  # again: the star goes
    assert not pane.numbers.text().startswith("★")
    assert [a.kind for a in ui.document.session.annotations] == [AnnotationKind.COMMENT]


def test_the_annotation_list_filters_jumps_edits_and_deletes_with_undo(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui, pane = answered(make_ui, fake, qtbot)
    reply = pane.reply
    assert reply is not None
    notes = ui.window.annotations.notes
    notes.add(AnnotationKind.HIGHLIGHT, reply.id, reply.text.index("probably"), len(ANSWER) - 14)
    comment = notes.add(AnnotationKind.COMMENT, reply.id, 0, 6, note="Whose?")
    notes.add(AnnotationKind.STAR, ui.window.panes[1].reply.id)  # type: ignore[union-attr]
    next(a for a in ui.window.findChildren(QAction) if a.text() == "&Annotations").trigger()
    panel = ui.window.annotation_list
    qtbot.waitUntil(panel.isVisible)
    shown = [panel.items.item(i).text() for i in range(panel.items.count())]
    assert shown == [
        "✎ Highlight · Alpha: “probably doomed”",
        "💬 Comment · Alpha: “Meta's” — Whose?",
        "★ Star · Beta",
    ]
    panel.kinds.setCurrentIndex(panel.kinds.findData(AnnotationKind.COMMENT))
    assert panel.items.count() == 1
    panel.kinds.setCurrentIndex(0)
    panel.seats.setCurrentIndex(panel.seats.findText("Beta"))
    assert panel.items.count() == 1
    panel.seats.setCurrentIndex(0)

    panel.items.itemActivated.emit(panel.items.item(0))  # Enter or a double click
    assert pane.view.textCursor().selectedText() == "probably doomed"

    panel.items.setCurrentRow(1)
    next(b for b in panel.findChildren(QPushButton) if b.text() == "Edit…").click()
    dialog = ui.open_dialog(QInputDialog, "the edit question")
    assert dialog.textValue() == "Whose?"
    dialog.setTextValue("Whose, exactly?")
    dialog.accept()
    qtbot.waitUntil(lambda: notes.of(reply.id)[1].note == "Whose, exactly?")

    panel.items.setCurrentRow(1)
    next(b for b in panel.findChildren(QPushButton) if b.text() == "Delete").click()
    assert comment.id not in [a.id for a in notes.all]
    assert panel.items.count() == 2
    ui.window.annotations.undo.undo()
    assert [a.note for a in notes.of(reply.id)] == ["", "Whose, exactly?"]
    assert panel.items.count() == 3


def test_react_to_an_answer_and_a_seat_with_recent_reactions_first(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    ui, pane = answered(make_ui, fake, qtbot)
    reply = pane.reply
    assert reply is not None

    def pick(emoji: str) -> list[str]:
        qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        offered = [a.text() for a in menu.actions()]
        action = next(a for a in menu.actions() if a.text() == emoji)
        menu.close()
        action.trigger()
        return offered

    QTest.keyClick(pane.view, Qt.Key.Key_E, SHIFT_CTRL)
    offered = pick("🔥")
    assert offered[0] == "🎤", "the sample's reaction is on offer from the start"
    (reaction,) = ui.document.session.annotations
    assert (reaction.kind, reaction.target_id, reaction.note) == (
        AnnotationKind.REACTION, reply.id, "🔥",
    )  # fmt: skip
    assert pane.numbers.text().startswith("🔥 · ")

    next(a for a in ui.window.findChildren(QAction) if a.text() == "React to s&eat…").trigger()
    offered = pick("🎤")
    assert offered[0] == "🔥", "the last one used comes first"
    assert pane.title.full_text() == "Alpha 🎤"
    assert "Remove reaction" not in offered

    QTest.keyClick(pane.view, Qt.Key.Key_E, SHIFT_CTRL)  # again: change it
    assert "Remove reaction" in pick("👏")
    assert [a.note for a in ui.document.session.annotations] == ["👏", "🎤"]
    ui.window.annotations.undo.undo()
    assert [a.note for a in ui.document.session.annotations] == ["🔥", "🎤"]


def test_quote_in_post_puts_the_selected_words_in_the_commentary_as_a_linked_quote(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot
) -> None:
    from desktop.core.post.markdown import render_markdown
    from desktop.core.post.plan import plan_post
    from desktop.core.records.post_blocks import TextBlock

    ui, pane = answered(make_ui, fake, qtbot)
    reply = pane.reply
    assert reply is not None
    select(pane, "beautiful vision that")
    QTest.keyClick(pane.view, Qt.Key.Key_P, SHIFT_CTRL)
    first = ui.document.session.post.blocks[0]
    assert isinstance(first, TextBlock)
    assert first.markdown.startswith("[beautiful vision that](roundtable:reply/")
    plan = plan_post(ui.document.session)
    assert plan.warnings == [], "the words match the answer there"
    assert f"[beautiful vision that](#reply-{reply.id})" in render_markdown(plan)
    ui.window.annotations.undo.undo()
    assert ui.document.session.post.blocks == []
