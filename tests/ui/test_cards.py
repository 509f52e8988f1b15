"""Cards: an exchange as pictures, 720 px at 2x, a long answer split, a hostile answer
drawn as text with nothing loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QTextDocument
from pytestqt.qtbot import QtBot

from desktop.core.post.plan import plan_post
from desktop.core.records.post_blocks import ItemShow, Post, PostItem, SectionBlock
from desktop.ui.post import cards
from tests.core.test_post import HOSTILE, session_of


def card_of(text: str) -> list[QImage]:
    session = session_of("Gemini 3 Pro")
    session.turns[0].replies[0].text = text
    section = SectionBlock(
        session.seats[0].id,
        reaction="🎤",
        items=[PostItem(session.turns[0].id, show=ItemShow.CARD)],
    )
    session.post = Post(blocks=[section])
    plan = plan_post(session)
    pictures = cards.render_card(plan.sections[0], plan.exchanges[0])
    return [QImage.fromData(png) for png in pictures]


def test_a_card_is_720_px_wide_at_2x_and_a_long_answer_is_split_not_cut(qtbot: QtBot) -> None:
    short = card_of("Short and **sweet**. 是的。 نعم 🌭")
    assert len(short) == 1
    assert short[0].width() == cards.WIDTH * cards.SCALE
    long = card_of(("A paragraph of an answer that goes on. " * 20 + "\n\n") * 30)
    assert len(long) >= 3
    assert all(p.width() == cards.WIDTH * cards.SCALE for p in long)
    limit = (cards.PAGE_HEIGHT + 2 * cards.MARGIN + 40) * cards.SCALE
    assert all(p.height() <= limit for p in long), "each picture holds at most a page"


def test_a_hostile_answer_becomes_a_card_with_nothing_loaded(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []

    def recorded(self: QTextDocument, kind: int, name: object) -> object:
        asked.append(name)
        return b""

    monkeypatch.setattr(cards._NoLoading, "loadResource", recorded)
    pictures = card_of(HOSTILE)
    assert pictures
    assert not pictures[0].isNull()
    assert asked == [], "the card's document asked for a resource"


def test_a_card_in_a_post_leaves_out_the_prompt_printed_above_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """An exported card keeps its prompt; in a post it repeated the line just above it."""
    from desktop.core.post.export import rendered_files

    session = session_of("Alpha")
    turn = session.turns[0]
    turn.text = "A prompt long enough to take a line of its own on the card, and then some more."
    item = PostItem(turn.id, show=ItemShow.CARD)
    session.post = Post(blocks=[SectionBlock(session.seats[0].id, items=[item])])
    plan = plan_post(session)
    alone = rendered_files(plan, "cards", tmp_path / "cards", cards.render_card)
    in_post = rendered_files(plan, "markdown", tmp_path / "post.md", cards.render_card)
    [card_alone] = [QImage.fromData(png) for png in alone.values()]
    [card_in_post] = [QImage.fromData(p) for f, p in in_post.items() if f.suffix == ".png"]
    assert card_in_post.height() < card_alone.height()
    section, exchange = plan.sections[0], plan.exchanges[0]
    assert "Prompt:" in cards._document(section, exchange, with_prompt=True).toPlainText()
    assert "Prompt:" not in cards._document(section, exchange, with_prompt=False).toPlainText()
    assert "**Prompt:**" in in_post[tmp_path / "post.md"].decode(), "the post prints it"
