"""Incremental Markdown rendering: streamed pieces end up exactly as a one-shot render."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextFormat
from pytestqt.qtbot import QtBot

from desktop.ui.conversation_view import ConversationView
from desktop.ui.markdown_blocks import finished_length

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
        "desktop.ui.conversation_view.QDesktopServices.openUrl",
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
