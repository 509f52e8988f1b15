"""Verdicts in the post: a chair's comparison as a section with its key linked to the
answers it rests on, the author's votes under the answers, and the scoreboard as a
table, exported by the real CLI and opened in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop.core.library.scoreboard import taken, tally
from desktop.core.records.model import (
    Annotation,
    AnnotationKind,
    ChairMode,
    Quote,
    Reply,
    ReplyStatus,
    Seat,
    Turn,
    TurnKind,
)
from desktop.core.records.post_blocks import Post, PostItem, SectionBlock, TextBlock
from desktop.core.transcript import save_session
from tests.core.test_scoreboard import round_of, table
from tests.e2e.test_post_export import CHROMIUM, RAN, open_in_chromium, roundtable

COMPARE = (
    "| claim | Response A | Response B |\n|---|---|---|\n| a taco | yes | no |\n\n"
    "Response A makes the stronger case."
)


def test_a_post_with_a_chair_votes_and_the_scoreboard_in_every_export(tmp_path: Path) -> None:
    session = table()
    claude, _, gemini = session.seats
    for winner in (0, 0, 1, 0, 0, 2):
        turn = round_of(session)
        session.annotations.append(Annotation(AnnotationKind.VOTE, turn.replies[winner].id))
    last = session.turns[-1]
    chair = Seat("The chair", "openai/o3", chair=True)
    session.seats.append(chair)
    verdict = Turn(TurnKind.CHAIR, "Compare them.", [chair.id], mode=ChairMode.COMPARE,
                   anonymous=True)  # fmt: skip
    verdict.quotes = [Quote(gemini.id, last.replies[2].id, "Response A", "Gemini says so."),
                      Quote(claude.id, last.replies[0].id, "Response B", "Claude says so.")]  # fmt: skip
    verdict.replies = [Reply(chair.id, status=ReplyStatus.COMPLETE, text=COMPARE)]
    session.turns.append(verdict)
    board = taken(tally([session]))
    session.post = Post(
        title="Who won the week",
        blocks=[
            TextBlock("Gemini took the last round."),
            board,
            SectionBlock(gemini.id, reaction="🎤", items=[PostItem(last.id)]),
            SectionBlock(claude.id, items=[PostItem(last.id)]),
            SectionBlock(chair.id, items=[PostItem(verdict.id)]),
        ],
    )
    path = tmp_path / "week.json"
    save_session(session, path)

    markdown = tmp_path / "post.md"
    done = roundtable("export", str(path), "--to", "markdown", "-o", str(markdown))
    assert (done.returncode, done.stderr) == (0, "")
    text = markdown.read_text(encoding="utf-8")
    assert "| Model | Votes | Won | Lost | Tied | Strength (95 %) | Peer place |" in text
    assert re.search(
        r"\| Claude \(anthropic/claude\) \| 10 \| 8 \| 2 \| 0 \| \d+ \(\d+–\d+\) \| — \|", text
    )
    assert "*🗳 The author's pick: the best answer.*" in text
    anchor = re.search(r'<a id="(reply-[\w-]+)"></a>\n\n> Gemini says so', text)
    assert anchor is not None
    assert f"Response A = [Gemini](#{anchor.group(1)})" in text, "the key links the answer"
    assert f"[Response A](#{anchor.group(1)}) makes the stronger case." in text, "its own words"

    page = tmp_path / "post.html"
    done = roundtable("export", str(path), "--to", "html", "-o", str(page))
    assert (done.returncode, done.stderr) == (0, "")
    html = page.read_text(encoding="utf-8")
    assert '<table class="scoreboard"><caption>Scoreboard of ' in html
    assert f'<p class="key">🔑 Response A = <a href="#{anchor.group(1)}">Gemini</a>' in html
    assert '<p class="vote">🗳 The author' in html
    # The chair's own words link each letter to the answer it names, outside code only.
    assert f'<a href="#{anchor.group(1)}">Response A</a> makes the stronger case.' in html
    assert "<th>Response A</th>" not in html, "a table heading, linked too"
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    seen = open_in_chromium(page, tmp_path / "verdicts.png")
    assert seen.page_requests == []
    assert RAN not in seen.dom
    assert "Strength (95 %)" in seen.dom
    assert "The chair (openai/o3)" not in html, "a chair apart is no contestant"


def test_letters_are_linked_in_prose_never_in_code_links_or_to_answers_not_in_the_post() -> None:
    from desktop.core.post.html import link_letters

    key = (("Response A", "Gemini", "reply-a"), ("Response B", "Claude", ""))
    fragment = (
        "<p>Response A wins; Response B and Response C lose.</p>"
        '<pre><code>Response A = 1</code></pre><p><a href="https://x.example">Response A</a></p>'
        "<p><code>Response A</code> twice: Response A.</p>"
    )
    linked = link_letters(fragment, key)
    assert linked.count('<a href="#reply-a">Response A</a>') == 2
    assert "<code>Response A = 1</code>" in linked
    assert '<a href="https://x.example">Response A</a>' in linked
    assert "<code>Response A</code>" in linked
    assert "Response B and Response C lose" in linked, "no anchor, no link"


def test_markdown_links_the_letters_in_prose_only() -> None:
    from desktop.core.post.markdown import safe_markdown, unsafe_markup

    links = {"Response A": "#reply-a"}
    text = "Response A wins. `Response A` in code, [Response A](https://x.example) linked.\n\n```\nResponse A\n```"
    written = safe_markdown(text, links)
    assert written.startswith("[Response A](#reply-a) wins.")
    assert "`Response A` in code" in written
    assert "[Response A](https://x.example) linked" in written
    assert "```\nResponse A\n```" in written
    assert unsafe_markup(written) == []
