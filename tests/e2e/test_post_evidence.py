"""The evidence of answers in the post: a searching seat's sources (footnotes in
Markdown, a list of links in HTML, a card's footer; an excerpt only with the sources it
cites) and a thinking seat's reasoning folded under its answer, made against the fake
server, exported by the real CLI and opened in headless Chromium. Hostile sources and a
huge thought stay text, and bounded."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from desktop.core.post.html import render_html
from desktop.core.post.markdown import render_markdown
from desktop.core.post.plan import MAX_REASONING, MAX_SOURCES_SHOWN, plan_post
from desktop.core.records.evidence import Citation, WebSource
from desktop.core.records.model import Reply, ReplyStatus, Seat, Session, Turn, TurnKind
from desktop.core.records.post_blocks import ItemShow, Post, PostItem, SectionBlock
from desktop.core.session.document import SessionDocument
from desktop.core.transcript import save_session
from desktop.providers.gateway import LiteLLMGateway, RetryPolicy
from tests.conftest import TEST_KEYS, seat_for
from tests.core.test_post import Elements
from tests.e2e.test_post_export import CHROMIUM, RAN, open_in_chromium, roundtable
from tests.fakes.provider_server import Cite, FakeProviderServer, Stream

CITES = (
    Cite("https://www.reuters.com/world/bodies-found/", "Bodies found — Reuters",
         " Officials confirmed the bodies were found on Monday."),
    Cite("javascript:alert(1)", "<script>alert(2)</script>Click me", " Nobody ran."),
    Cite("https://apnews.com/article/court", "Court rules \u202etxt.exe", " A court ruled."),
)  # fmt: skip
LEAD = "Two things happened this week."
THOUGHT = "Let me weigh **both** claims before I answer. The first is stronger."


@pytest.fixture
def evidence(fake: FakeProviderServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    searcher = seat_for(fake, "anthropic", "claude-sonnet-4-5", "Claude")
    searcher.web_search = True
    thinker = seat_for(fake, "gemini", "gemini-2.5-pro", "Gemini")
    fake.script("claude-sonnet-4-5", Stream(text=LEAD, cites=CITES))
    fake.script("gemini-2.5-pro", Stream(text="The first claim holds.", thinking=THOUGHT))

    async def make() -> Session:
        gateway = LiteLLMGateway(retry=RetryPolicy(attempts=1))
        document = SessionDocument(gateway, Session(title="This week", seats=[searcher, thinker]))
        await document.send("What happened this week?")
        await gateway.aclose()
        return document.session

    session = asyncio.run(make())
    turn = session.turns[0]
    claude = turn.latest_reply(searcher.id)
    assert claude is not None
    start = claude.text.index(CITES[2].text)
    session.post = Post(
        title="Who found the bodies",
        blocks=[
            SectionBlock(searcher.id, items=[PostItem(turn.id)]),
            SectionBlock(
                searcher.id,
                heading="Claude, cut",
                items=[
                    PostItem(
                        turn.id, show=ItemShow.EXCERPT, start=start, end=start + len(CITES[2].text)
                    )
                ],
            ),
            SectionBlock(
                searcher.id, heading="Claude, card", items=[PostItem(turn.id, show=ItemShow.CARD)]
            ),
            SectionBlock(thinker.id, reaction="🎤", items=[PostItem(turn.id, reasoning=True)]),
        ],
    )
    path = tmp_path / "week.json"
    save_session(session, path)
    return path


def test_sources_and_reasoning_in_markdown_html_cards_and_chromium(
    evidence: Path, tmp_path: Path
) -> None:
    markdown = tmp_path / "post.md"
    done = roundtable("export", str(evidence), "--to", "markdown", "-o", str(markdown))
    assert (done.returncode, done.stderr) == (0, "")
    text = markdown.read_text(encoding="utf-8")
    assert (
        "> Two things happened this week. Officials confirmed the bodies were found on Monday.[^1-1]"
        in text
    )
    assert "[^1-1]: Bodies found — Reuters — <https://www.reuters.com/world/bodies-found/>" in text
    assert "[^1-2]: \\<script\\>alert(2)\\</script\\>Click me — javascript:alert(1)" in text
    assert "<javascript:" not in text, "a javascript: address is never a link"
    assert "[^1-3]: Court rules \ufffdtxt.exe — <https://apnews.com/article/court>" in text
    # The excerpt cites its one source, numbered within it.
    assert "…A court ruled.[^2-1]…" in text.replace("> ", "")
    assert "[^2-1]: Court rules \ufffdtxt.exe — <https://apnews.com/article/court>" in text
    assert "[^2-2]" not in text
    assert "*💭 Thought for" in text
    assert "> Let me weigh **both** claims" in text

    page = tmp_path / "post.html"
    done = roundtable("export", str(evidence), "--to", "html", "-o", str(page))
    assert (done.returncode, done.stderr) == (0, "")
    html = page.read_text(encoding="utf-8")
    assert 'Monday.<sup class="cite">[1]</sup>' in html
    links = re.findall(r'<a href="([^"]+)" rel="([^"]+)"', html)
    assert ("https://www.reuters.com/world/bodies-found/", "nofollow noopener noreferrer") in links
    assert not any(href.startswith("javascript") for href, _ in links)
    elements = Elements()
    elements.feed(html)
    assert not any(tag == "script" for tag, _ in elements.found)
    assert "<script>alert(2)</script>Click me — javascript:alert(1)" in elements.text
    assert '<details class="reasoning"><summary>💭 Thought for' in html
    sources = re.findall(r'<div class="sources">(.*?)</div>', html, re.S)
    assert len(sources) == 2, "the answer's and the excerpt's (a card shows its own)"
    assert "reuters" not in sources[1], "the excerpt lists only what it cites"

    folder = tmp_path / "cards"
    done = roundtable("export", str(evidence), "--to", "cards", "-o", str(folder))
    assert (done.returncode, done.stderr) == (0, "")
    assert list(folder.iterdir())

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    seen = open_in_chromium(page, tmp_path / "evidence.png")
    assert seen.page_requests == [], "the page asked the network for something"
    assert RAN not in seen.dom
    assert "alert(2)" not in re.sub(r"&lt;script&gt;alert\(2\)&lt;/script&gt;", "", seen.dom)


def hostile_session() -> Session:
    seat = Seat("Searcher", "anthropic/claude-sonnet-4-5")
    text = "An answer that cites a great deal."
    sources = [
        WebSource(f"https://example.org/{i}", f"Page {i}", [Citation(0, 9)]) for i in range(10_000)
    ]
    reply = Reply(
        seat_id=seat.id,
        status=ReplyStatus.COMPLETE,
        text=text,
        sources=sources,
        reasoning="a thought " * 500_000,  # 5 MB
    )
    turn = Turn(TurnKind.PROMPT, "Everything?", [seat.id], replies=[reply])
    post = Post(blocks=[SectionBlock(seat.id, items=[PostItem(turn.id, reasoning=True)])])
    return Session(seats=[seat], turns=[turn], post=post)


def test_ten_thousand_sources_and_a_5_mb_thought_export_bounded() -> None:
    plan = plan_post(hostile_session())
    markdown = render_markdown(plan)
    html = render_html(plan)
    for out in (markdown, html):
        assert len(out) < 2 * MAX_REASONING + 200 * MAX_SOURCES_SHOWN
        assert f"{10_000 - MAX_SOURCES_SHOWN:,} more sources, kept in the transcript" in out
        assert "more characters, kept in the transcript" in out
    assert f"[^1-{MAX_SOURCES_SHOWN}]:" in markdown
    assert f"[^1-{MAX_SOURCES_SHOWN + 1}]" not in markdown
    assert html.count("<li>") == MAX_SOURCES_SHOWN


def one_cited(text: str, end: int) -> Session:
    """A session whose one answer cites a source at characters 0..end."""
    seat = Seat("Searcher", "anthropic/claude-sonnet-4-5")
    sources = [WebSource("https://example.org/a", "A", [Citation(0, end)])]
    reply = Reply(seat_id=seat.id, status=ReplyStatus.COMPLETE, text=text, sources=sources)
    turn = Turn(TurnKind.PROMPT, "Q?", [seat.id], replies=[reply])
    return Session(seats=[seat], turns=[turn])


@pytest.mark.parametrize(
    ("text", "end"),
    [("claim(https://evil.example/x) more", 5), ("claim\n: https://evil.example", 6)],
)
def test_a_footnote_reference_never_makes_what_follows_a_link_or_a_definition(
    text: str, end: int
) -> None:
    markdown = render_markdown(plan_post(one_cited(text, end)))  # refuses unsafe markup
    assert "[^1-1]\\" in markdown, "what follows the reference is escaped"
    assert "](https://evil.example" not in markdown
    assert "[^1-1]: https://evil" not in markdown


def test_a_citation_inside_a_link_title_never_breaks_the_attribute() -> None:
    text = '[x](https://e.example "AB") after'
    html = render_html(plan_post(one_cited(text, text.index("B"))))
    assert 'title="A</mark' not in html
    assert "<sup" not in html.split('title="')[1].split('"')[0]
    assert 'rel="nofollow noopener noreferrer"' in html
