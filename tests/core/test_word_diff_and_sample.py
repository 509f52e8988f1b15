"""Two answers compared word by word; and the sample session a first start offers is a
whole, valid session with everything the app can show."""

from __future__ import annotations

from desktop.core.post.plan import plan_post
from desktop.core.records.model import AnnotationKind, TurnKind
from desktop.core.records.post_blocks import ItemShow, SectionBlock
from desktop.core.transcript import load_session
from desktop.core.utils.word_diff import Change, word_diff
from desktop.ui.utils.session_files import SAMPLE


def test_a_changed_word_shows_as_that_word_on_each_side() -> None:
    diff = word_diff(
        "A label nobody reads is a fig leaf.", "A label everybody reads is a fig leaf!"
    )
    removed = [p.text for p in diff.left if p.change is Change.REMOVED]
    added = [p.text for p in diff.right if p.change is Change.ADDED]
    assert removed == ["nobody", "."]
    assert added == ["everybody", "!"]
    assert "".join(p.text for p in diff.left) == "A label nobody reads is a fig leaf."
    assert 0.7 < diff.similarity < 1


def test_identical_and_empty_texts() -> None:
    same = word_diff("Same words.\n\nTwice.", "Same words.\n\nTwice.")
    assert [p.change for p in same.left] == [Change.SAME]
    assert same.similarity == 1
    empty = word_diff("", "Only the right.")
    assert empty.left == []
    assert [p.change for p in empty.right] == [Change.ADDED]


def test_the_sample_session_is_whole_and_shows_every_part_of_the_app() -> None:
    loaded = load_session(SAMPLE)
    assert not loaded.warnings
    session = loaded.session
    assert len(session.seats) == 3
    assert session.attachments, "an attachment"
    assert {t.kind for t in session.turns} >= {TurnKind.PROMPT, TurnKind.FOLLOW_UP}
    kinds = {a.kind for a in session.annotations}
    assert kinds == {AnnotationKind.HIGHLIGHT, AnnotationKind.COMMENT, AnnotationKind.STAR,
                     AnnotationKind.REACTION}  # fmt: skip
    plan = plan_post(session)
    assert plan.title
    assert not plan.warnings
    shows = {i.show for b in session.post.blocks if isinstance(b, SectionBlock) for i in b.items}
    assert ItemShow.EXCERPT in shows
