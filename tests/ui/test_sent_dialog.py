"""Reply → What was sent…: the request an answer replied to, as its seat received it,
readable in the window and copied whole as JSON, with no key anywhere."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtGui import QGuiApplication

from desktop.core.attachments import attachment_from_bytes
from desktop.ui.table.sent_dialog import SentDialog
from tests.conftest import TEST_KEYS
from tests.fakes.provider_server import Cite, FakeProviderServer, Stream
from tests.ui.conftest import UI, three_seats


def test_what_was_sent_shows_the_request_and_copies_it_as_json(
    make_ui: Callable[..., UI], fake: FakeProviderServer
) -> None:
    seats = three_seats(fake)
    seats[0].system_prompt = "Be blunt."
    seats[0].temperature = 0.3
    ui = make_ui(seats)
    cite = Cite("https://example.org/a", "A page", " It was found.")
    fake.script("ui-b", Stream(text="Beta says so.", cites=(cite,)))
    note = attachment_from_bytes("memo.txt", "The memo: \u202eevil.\n".encode())
    turn = ui.document.add_prompt("Read the memo. Verdict?", attachments=[note])
    ui.document.start(turn)
    ui.settle()
    ui.window.composer.debate.click()
    from desktop.ui.composer.debate_dialog import DebateDialog

    ui.open_dialog(DebateDialog, "the debate's instruction").accept()
    ui.settle()
    pane = ui.window.panes[0]
    pane.buttons["sent"].trigger()
    dialog = ui.open_dialog(SentDialog, "what was sent")
    text = dialog.text.toPlainText()
    assert "Settings: model: openai/ui-a · api base: http://127.0.0.1:" in text
    assert "temperature: 0.3" in text
    assert "── system ──" in text
    assert "Be blunt." in text
    assert "📎 memo.txt (Text" in text
    assert "┆ The memo: \ufffdevil." in text, "the file's text, its override made visible"
    assert "[Answer from Beta]" in text
    assert "[Beta's sources]" in text
    assert "[1] A page — https://example.org/a" in text
    dialog.copy.click()
    copied = json.loads(QGuiApplication.clipboard().text())
    assert copied == dialog.sent
    sent_to_alpha = fake.requests("ui-a")[-1].user_texts()[-1]
    assert copied["messages"][-1]["content"] == sent_to_alpha, "exactly what went"
    for key in TEST_KEYS.values():
        assert key not in QGuiApplication.clipboard().text()
        assert key not in text
    ui.window.resize(1300, 800)
    dialog.grab().save("/tmp/shot-sent.png")
    dialog.reject()
