"""Incremental Markdown rendering: streamed pieces end up exactly as a one-shot render."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextFormat
from pytestqt.qtbot import QtBot

from desktop.ui.table.conversation_view import PLAIN_PARAGRAPH, TAIL_CAP, ConversationView
from desktop.ui.table.markdown_blocks import finished_length

SAMPLES = [
    "Yes. 是的。 نعم 🌭\n\n1. It has bread\n2. It has filling\n\n> Cube rule says taco.",
    "## Heading\n\nText with **bold** and `code`.\n\n```python\nx = 1\n\ny = 2\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "- one\n- two\n\n  continued\n\nLast line without newline",
]


def structure(view: ConversationView) -> list[tuple[str, float, bool, int]]:
    """Each block's text, margin, list membership and heading level.

    Empty blocks are left out: Qt adds them around tables (frame anchors) depending on
    where a fragment starts, with no visible difference.
    """
    out = []
    block = view.document().begin()
    while block.isValid():
        fmt = block.blockFormat()
        if block.text():
            out.append(
                (block.text(), fmt.leftMargin(), block.textList() is not None, fmt.headingLevel())
            )
        block = block.next()
    return out


@pytest.mark.parametrize("text", SAMPLES)
def test_a_streamed_reply_renders_like_a_one_shot_render(qtbot: QtBot, text: str) -> None:
    streamed, direct = ConversationView(), ConversationView()
    qtbot.addWidget(streamed)
    qtbot.addWidget(direct)
    for view in (streamed, direct):
        view.add_user_turn("You asked", "Q")
    streamed.begin_stream()
    for end in range(1, len(text) + 1, 5):
        streamed.update_stream(text[:end])
        streamed.redraw()
        # While streaming, the visible text is always the text so far (no duplicates).
        assert streamed.document().characterCount() < 4 * (end + 40)
    streamed.finish_stream(text)
    direct.add_reply(text)
    assert structure(streamed) == structure(direct)


def test_streaming_redraws_are_bounded(qtbot: QtBot) -> None:
    view = ConversationView()
    qtbot.addWidget(view)
    view.begin_stream()
    text = ""
    for i in range(500):
        text += f"word{i} "
        view.update_stream(text)
    qtbot.waitUntil(lambda: view.redraws >= 1)
    assert view.redraws <= 2, "500 updates in a burst must coalesce into a few redraws"
    qtbot.waitUntil(lambda: "word499" in view.toPlainText())


def test_raw_html_shows_as_text_and_remote_images_are_never_fetched(qtbot: QtBot) -> None:
    view = ConversationView()
    qtbot.addWidget(view)
    view.add_reply(
        '<b>bold?</b> <img src="https://example.org/x.png"> ![img](https://example.org/y.png)'
    )
    assert "<b>bold?</b>" in view.toPlainText()
    assert not view.loadResource(2, QUrl("https://example.org/y.png"))


def test_only_web_and_mail_links_open(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        "desktop.ui.table.conversation_view.QDesktopServices.openUrl",
        lambda url: opened.append(url.toString()),
    )
    view = ConversationView()
    qtbot.addWidget(view)
    refused: list[str] = []
    view.link_refused.connect(refused.append)
    for url in ("https://example.org", "mailto:a@b.c", "file:///etc/passwd", "javascript:alert(1)"):
        view.anchorClicked.emit(QUrl(url))
    assert opened == ["https://example.org", "mailto:a@b.c"]
    assert refused == ["file:///etc/passwd", "javascript:alert(1)"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("para one\n\npara two", len("para one\n\n")),
        ("para one\n\n", 0),
        ("- a\n- b\n\n- c\n\nafter", len("- a\n- b\n\n- c\n\n")),
        ("- a\n\n  continued\n\nnext", len("- a\n\n  continued\n\n")),
        ("```\ncode\n\nmore\n", 0),
        ("```\ncode\n\n```\n\nafter", len("```\ncode\n\n```\n\n")),
        ("no blank line yet\n", 0),
        ("", 0),
    ],
)
def test_finished_blocks_end_at_a_blank_line_outside_fences(text: str, expected: int) -> None:
    assert finished_length(text) == expected


def test_fenced_code_is_highlighted_by_language(qtbot: QtBot) -> None:
    view = ConversationView()
    qtbot.addWidget(view)
    view.add_reply("```python\ndef f():\n    return 1  # done\n```\n\n```\nplain text\n```\n")
    view.show()

    def colours(line: str) -> set[str]:
        block = view.document().findBlock(view.toPlainText().index(line))
        return {r.format.foreground().color().name() for r in block.layout().formats()}

    assert "#c678dd" in colours("def f():")  # the keyword
    assert "#6a9955" in colours("    return 1  # done")  # the comment
    assert colours("plain text") == set()


def test_a_turn_after_a_reply_ending_in_code_is_not_part_of_the_code(qtbot: QtBot) -> None:
    view = ConversationView()
    qtbot.addWidget(view)
    view.add_user_turn("You asked", "Q")
    view.add_reply("```python\nreturn round(x)\n```")
    view.add_user_turn("Debate round", "Where do you disagree?")
    heading = view.document().findBlock(view.toPlainText().index("Debate round"))
    assert heading.blockFormat().stringProperty(QTextFormat.Property.BlockCodeLanguage) == ""
    assert not heading.charFormat().fontFixedPitch()
    assert not any(r.format.foreground().color().name() for r in heading.layout().formats())


@pytest.mark.parametrize(
    "text",
    [
        "Intro.\n\n```python\n" + "value = compute(value, 42)  # step\n" * 9_000,  # unclosed
        "Intro.\n\n" + "z" * 1_000_000,  # one line, still being written
    ],
    ids=["unclosed code fence", "one long line"],
)
def test_a_growing_unfinished_block_is_not_read_again_on_every_redraw(
    qtbot: QtBot, text: str
) -> None:
    # Each redraw used to hand the whole unfinished block to the Markdown reader again:
    # quadratic, and a 5 MB line or a 300 kB open fence froze the window.
    view = ConversationView()
    qtbot.addWidget(view)
    read = view.markdown_reads
    view.begin_stream()
    step = len(text) // 200
    for end in range(step, len(text) + step, step):
        view.update_stream(text[:end])
        view.redraw()
    shown = view.toPlainText()
    assert shown.strip().startswith("Intro.")
    assert shown.replace("\n", "").endswith(text[-5000:].replace("\n", ""))

    view.finish_stream(text)  # the block stays plain text: it is not read even now
    assert sum(read) < len(text) // 10, f"{sum(read):,} characters read for {len(text):,}"
    assert view.toPlainText().replace("\n", "").endswith(text[-5000:].replace("\n", ""))
    longest = 0
    block = view.document().begin()
    while block.isValid():
        longest = max(longest, block.length())
        block = block.next()
    assert longest <= PLAIN_PARAGRAPH + 1, "no paragraph Qt must lay out whole is huge"


def test_a_long_block_that_closes_is_drawn_as_markdown_once(qtbot: QtBot) -> None:
    streamed, direct = ConversationView(), ConversationView()
    qtbot.addWidget(streamed)
    qtbot.addWidget(direct)
    text = "```python\n" + "x = 1  # one\n" * 600 + "```\n\nAfter the code."
    read = streamed.markdown_reads
    streamed.begin_stream()
    for end in range(100, len(text) + 100, 100):
        streamed.update_stream(text[:end])
        streamed.redraw()
    # Redrawn as Markdown while short; past TAIL_CAP only added to, until it closes.
    assert max(list(read)[:-2]) <= TAIL_CAP + 100
    assert read[-2] >= len(text) - 100, "then drawn as Markdown, highlighted, once"
    streamed.finish_stream(text)
    direct.add_reply(text)
    assert structure(streamed) == structure(direct), "highlighted code once it is closed"
