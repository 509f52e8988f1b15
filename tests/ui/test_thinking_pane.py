"""A pane shows what its seat thought: live while it thinks, then how long it thought,
opening to the text; a hostile or huge thought is plain, bounded text."""

from __future__ import annotations

from collections.abc import Callable

from desktop.core.records.model import Reply, ReplyStatus
from desktop.core.utils.stamps import now
from desktop.ui.table.thought_panel import MAX_SHOWN, ThoughtPanel
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.ui.conftest import UI, three_seats

THOUGHT = "The user wants a ruling. Bread on two sides? A hinged bun is one piece."


def test_a_pane_says_its_seat_is_thinking_then_how_long_it_thought(
    make_ui: Callable[..., UI], fake: FakeProviderServer
) -> None:
    ui = make_ui(three_seats(fake))
    fake.script(
        "ui-b", Stream(text="A sandwich, by the hinge.", thinking=THOUGHT, delay=1.0, chunks=2)
    )
    ui.send("Is a hot dog a sandwich?", [ui.document.session.seats[1].id])
    pane = ui.window.panes[1]
    words = f"{len(THOUGHT.split())} words"
    ui.wait(lambda: pane.thought.line.text().startswith("Thinking…"), "the live line")
    ui.wait(lambda: words in pane.thought.line.text(), "the thought's words, counted live")
    assert pane.thought.line.text().startswith("Thinking…"), "no answer yet: still thinking"
    assert pane.thought.isVisible()
    assert not ui.window.panes[0].thought.isVisible(), "a seat that did not think shows none"
    ui.settle()
    assert pane.thought.line.text().startswith("Thought for ")
    assert words in pane.thought.line.text()
    assert "💭 Thought for" in pane.view.toPlainText(), "said under the answer too"
    assert THOUGHT not in pane.view.toPlainText(), "the thought itself only when opened"
    pane.thought.line.click()
    assert pane.thought.text.isVisible()
    assert pane.thought.text.toPlainText() == THOUGHT


def thinking_reply(reasoning: str) -> Reply:
    reply = Reply(seat_id="s", status=ReplyStatus.STREAMING, reasoning=reasoning)
    reply.reasoning_started_at = now()
    return reply


def test_a_hostile_thought_is_plain_text_with_its_overrides_shown(qtbot: object) -> None:
    panel = ThoughtPanel()
    hostile = (
        '<a href="javascript:alert(1)">click</a> <img src="file:///etc/passwd"> a\u202efdp.exe'
    )
    panel.line.setChecked(True)
    panel.follow(thinking_reply(hostile))
    shown = panel.text.toPlainText()
    assert '<a href="javascript:alert(1)">' in shown, "markup stays text"
    assert "\u202e" not in shown, "the direction override is made visible, not obeyed"


def test_a_huge_thought_streams_counted_as_it_comes_and_shows_bounded(qtbot: object) -> None:
    panel = ThoughtPanel()
    reply = thinking_reply("")
    panel.follow(reply)
    assert panel.isHidden(), "no thought yet: no line"
    panel.line.setChecked(True)
    piece = "word " * 10_000  # 50,000 characters a delta
    for _ in range(100):  # 5 MB of thought
        reply.reasoning += piece
        panel.follow(reply)
    assert panel.words == 1_000_000
    assert panel.text.document().characterCount() <= 2 * MAX_SHOWN + 200
    panel.line.setChecked(False)
    panel.line.setChecked(True)
    shown = panel.text.toPlainText()
    assert shown.startswith("[The first 4,800,000 characters are not shown")
    assert len(shown) < MAX_SHOWN + 200


def test_a_word_split_across_two_deltas_is_counted_once(qtbot: object) -> None:
    panel = ThoughtPanel()
    reply = thinking_reply("Bread on tw")
    panel.follow(reply)
    reply.reasoning += "o sides"
    panel.follow(reply)
    assert panel.words == 4
