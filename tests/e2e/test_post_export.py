"""The sample post's structure, end to end: two sessions made against the fake server
(three seats with a file and follow-ups; an older one-seat session, imported), her
commentary with a woven quote, the attribution, her section order, a reaction, a
display-edited prompt, an excerpt and a card; exported as Markdown, HTML and cards by
the real CLI, checked point by point, and the HTML opened in headless Chromium with the
network blocked."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtGui import QImage

from desktop.core.attachments import attachment_from_bytes
from desktop.core.records.model import Annotation, AnnotationKind, Seat, Session
from desktop.core.records.post_blocks import (
    AttributionBlock,
    ItemShow,
    Post,
    PostItem,
    SectionBlock,
    TextBlock,
)
from desktop.core.session.document import SessionDocument
from desktop.core.transcript import save_session
from desktop.providers.gateway import LiteLLMGateway, RetryPolicy
from tests.conftest import PYTHON, ROOT, TEST_KEYS, seat_for, subprocess_env
from tests.core.test_post import Elements
from tests.fakes.provider_server import FakeProviderServer, Stream

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Leaves a mark in the DOM only if it runs (the words themselves may show as text).
RAN_SCRIPT = "document.body.setAttribute('data-' + 'ran', 'y' + 'es')"
RAN = 'data-ran="yes"'
# A model's answer may carry anything: none of it may run or load when the post is read.
GPT_ANSWER = (
    "Co-improvement is **plausible** but thin.\n\n<script>"
    + RAN_SCRIPT
    + "</script> <img src=http://remote.example/q.png onerror=alert(1)>\n\n"
    "![chart](http://remote.example/p.png) [see](javascript:alert(2))"
)
GEMINI_ANSWER = (
    "A beautiful vision that's probably doomed. The paper asks rivals to slow down while "
    "its authors catch up.\n\n```python\ndef co_improve(model, humans):\n    return None\n```\n"
)


def roundtable(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "desktop", *args],
        capture_output=True, text=True, env=subprocess_env(QT_QPA_PLATFORM="offscreen"),
        cwd=ROOT, timeout=180, check=False,
    )  # fmt: skip


def labelled(seat: Seat, label: str) -> Seat:
    seat.label = label
    return seat


@pytest.fixture
def sessions(
    fake: FakeProviderServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path, Session]:
    """The week's three-seat session (with her post) and an older one-seat session."""
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    gpt = labelled(seat_for(fake, "openai", "post-gpt"), "ChatGPT-5.1")
    claude = labelled(seat_for(fake, "anthropic", "post-claude"), "Claude Sonnet 4.5")
    gemini = labelled(seat_for(fake, "gemini", "post-gemini"), "Gemini 3 Pro")
    fake.script("post-gpt", Stream(text=GPT_ANSWER))
    long = ("The race goes on, and the paper asks it to pause. " * 12 + "\n\n") * 14
    fake.script("post-claude", Stream(text="A *plea* to slow the race.\n\n" + long))
    fake.script("post-gemini", Stream(text=GEMINI_ANSWER))
    older_seat = labelled(seat_for(fake, "anthropic", "post-older"), "Claude Sonnet 4")
    fake.script("post-older", Stream(text="Meta's year? Unlikely, given the exits."))

    async def make() -> tuple[Session, Session]:
        gateway = LiteLLMGateway(retry=RetryPolicy(attempts=1))
        older = SessionDocument(gateway, Session(title="Meta's year", seats=[older_seat]))
        await older.send("Galloway said in May this is Meta's year. Is it?")
        older.session.created_at -= timedelta(days=61)
        week = SessionDocument(
            gateway, Session(title="Co-improvement", seats=[claude, gpt, gemini])
        )
        paper = attachment_from_bytes("import-ai.txt", b"Meta proposes co-improvement.\n")
        await week.send("What's your take on the proposal in the attachment?", attachments=[paper])
        await week.send("Here's my less diplomatic take: it's a plea to slow down.", [gemini.id])
        await gateway.aclose()
        return week.session, older.session

    week, older = asyncio.run(make())
    first, follow = week.turns
    answer = {r.seat_id: r for r in first.replies}
    said = answer[gemini.id].text
    start = said.index("a beautiful vision".capitalize())
    quote = f"[a beautiful vision that's probably doomed](roundtable:reply/{answer[gemini.id].id}?start={start}&end={start + 41})"
    week.annotations.append(
        Annotation(
            AnnotationKind.HIGHLIGHT, answer[gpt.id].id, start=0, end=14, exact="Co-improvement"
        )
    )
    week.post = Post(
        title="Gem's Victory Lap",
        subtitle="A dismantling, in three voices",
        blocks=[
            TextBlock(f"## What co-improvement requires\n\nGemini called it {quote}, and so do I."),
            AttributionBlock(),
            SectionBlock(claude.id, items=[PostItem(first.id, show=ItemShow.CARD)]),
            SectionBlock(gpt.id, items=[PostItem(first.id)]),
            SectionBlock(
                gemini.id,
                reaction="🎤",
                items=[
                    PostItem(
                        first.id,
                        prompt="What's your take on the proposal [in Import AI]?",
                        show=ItemShow.EXCERPT,
                        start=0,
                        end=41,
                    ),
                    PostItem(follow.id, show=ItemShow.PROMPT),
                ],
            ),
        ],
    )
    week_path, older_path = tmp_path / "week.json", tmp_path / "older.json"
    save_session(week, week_path)
    save_session(older, older_path)
    return week_path, older_path, week


def test_the_sample_posts_structure_exports_as_markdown_html_and_cards(
    sessions: tuple[Path, Path, Session], tmp_path: Path
) -> None:
    week_path, older_path, week = sessions
    imported = roundtable(
        "post", "import", str(week_path), str(older_path), "--seat", "Claude Sonnet 4"
    )
    assert imported.returncode == 0, imported.stderr
    older_path.unlink()  # the post must not need it any more

    out = tmp_path / "post.md"
    done = roundtable("export", str(week_path), "--to", "markdown", "-o", str(out))
    assert (done.returncode, done.stderr) == (0, "")
    markdown = out.read_text(encoding="utf-8")
    assert markdown.startswith("# Gem's Victory Lap\n\n*A dismantling, in three voices*\n\n")
    assert "## What co-improvement requires" in markdown
    gemini_reply = next(r for r in week.turns[0].replies if r.text.startswith("A beautiful"))
    assert (
        f"Gemini called it [a beautiful vision that's probably doomed](#reply-{gemini_reply.id})"
        in markdown
    )
    assert (
        "\\[This post was drafted with assistance from Claude Sonnet 4 & 4.5, ChatGPT-5.1, "
        "and Gemini 3 Pro.\\]"
    ) in markdown
    headings = re.findall(r"^## (.+)$", markdown, re.M)
    assert headings == [
        "What co-improvement requires", "Claude Sonnet 4.5", "ChatGPT-5.1", "Gemini 3 Pro 🎤",
        "Claude Sonnet 4",
    ]  # fmt: skip
    gemini = markdown.split("## Gemini 3 Pro 🎤")[1].split("## Claude Sonnet 4")[0]
    assert "**Prompt:** What's your take on the proposal [in Import AI]?" in gemini
    assert "in the attachment" not in gemini, "the display edit, not the prompt as sent"
    assert "> …A beautiful vision that's probably doomed…" in gemini, "the excerpt only"
    assert "catch up" not in gemini
    assert "**Prompt:** Here's my less diplomatic take" in gemini
    claude = markdown.split("## Claude Sonnet 4.5")[1].split("## ChatGPT-5.1")[0]
    cards = re.findall(r"!\[Claude Sonnet 4\.5, answer 1\]\((post_cards/[^)]+\.png)\)", claude)
    assert len(cards) >= 2, "a long answer is several pictures, not one cut short"
    for card in cards:
        image = QImage(str(tmp_path / card))
        assert image.width() == 1440, "720 px at 2x"
    assert "📎 import-ai.txt" in markdown
    older = markdown.split("## Claude Sonnet 4\n")[1]
    assert "Galloway said in May" in older
    assert "> Meta's year? Unlikely, given the exits." in older
    assert re.search(r"\*From the session “Meta's year”, \d{1,2} [A-Z][a-z]+ \d{4}\.\*", older)

    page = tmp_path / "post.html"
    done = roundtable("export", str(week_path), "--to", "html", "-o", str(page))
    assert (done.returncode, done.stderr) == (0, "")
    elements = Elements()
    elements.feed(page.read_text(encoding="utf-8"))
    assert [t for t, _ in elements.found].count("img") == len(cards), "only the cards, inline"
    images = [dict(a)["src"] or "" for t, a in elements.found if t == "img"]
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert "<mark>Co-improvement</mark>" in page.read_text(encoding="utf-8")
    assert "def co_improve" not in elements.text, "the excerpt stops where she cut it"

    folder = tmp_path / "cards"
    done = roundtable("export", str(week_path), "--to", "cards", "-o", str(folder))
    assert (done.returncode, done.stderr) == (0, "")
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(c).name for c in cards)

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    seen = open_in_chromium(page, tmp_path / "post.png")
    assert seen.page_requests == [], "the page asked the network for something"
    assert RAN not in seen.dom, "a script ran"
    assert QImage(str(tmp_path / "post.png")).width() >= 1000


class _Proxy(BaseHTTPRequestHandler):
    """A proxy that records what the browser asks for and answers nothing."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_error(403)

    do_CONNECT = do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


# Chromium's own services (its clock, component updates), asked whatever the page is.
CHROMIUM_OWN = re.compile(
    r"^(https?://)?[^/]*\.(google\.com|googleapis\.com|gvt1\.com)(:\d+)?(/|$)"
)


class Seen:
    def __init__(self, dom: str, requests: list[str]) -> None:
        self.dom, self.requests = dom, requests

    @property
    def page_requests(self) -> list[str]:
        """What was asked for besides Chromium's own services."""
        return [r for r in self.requests if not CHROMIUM_OWN.match(r)]


def open_in_chromium(page: Path, shot: Path) -> Seen:
    """The page's DOM after Chromium ran it, and every request it made through a proxy
    that blocks the network; a screenshot too."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Proxy.seen = []
    address = f"http://127.0.0.1:{server.server_address[1]}"
    common = [
        str(CHROMIUM), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        f"--proxy-server={address}", "--proxy-bypass-list=<-loopback>",
        f"--user-data-dir={shot.parent / 'chromium-profile'}",
    ]  # fmt: skip
    env = {**os.environ, "HOME": str(shot.parent)}
    try:
        dom = subprocess.run(
            [*common, "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120, check=True, env=env,
        ).stdout  # fmt: skip
        subprocess.run(
            [*common, f"--screenshot={shot}", "--window-size=1000,2400", page.as_uri()],
            capture_output=True, timeout=120, check=True, env=env,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    return Seen(dom, list(_Proxy.seen))


def test_the_chromium_harness_sees_requests_and_scripts_when_there_are_some(
    tmp_path: Path,
) -> None:
    # The checks above prove something only if this harness would catch a request and a
    # script: a page that makes one of each must show both.
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    page = tmp_path / "control.html"
    page.write_text(
        f'<img src="http://remote.example/pixel.png"><body><script>{RAN_SCRIPT}</script></body>',
        encoding="utf-8",
    )
    seen = open_in_chromium(page, tmp_path / "control.png")
    assert RAN in seen.dom
    assert any("remote.example" in r for r in seen.page_requests)


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ("no turn", "block 1 (section “Alpha”), item 1: the turn 'gone' is not in the file"),
        ("past the end", "block 1 (section “Alpha”), item 1: the excerpt 5..500 is not within"),
        ("damaged", "damaged: session.post.blocks[0].kind should be a string, not a number"),
    ],
)
def test_a_broken_post_or_damaged_file_exits_2_naming_the_block_and_writes_nothing(
    tmp_path: Path, broken: str, problem: str
) -> None:
    from tests.core.test_post import session_of

    session = session_of("Alpha")
    turn = session.turns[0]
    item = PostItem("gone") if broken == "no turn" else PostItem(turn.id)
    if broken == "past the end":
        item = PostItem(turn.id, show=ItemShow.EXCERPT, start=5, end=500)
    session.post = Post(blocks=[SectionBlock(session.seats[0].id, items=[item])])
    path = tmp_path / "broken.json"
    save_session(session, path)
    if broken == "damaged":
        path.write_text(path.read_text().replace('"kind": "section"', '"kind": 7'))
    for to, out in (("html", "p.html"), ("markdown", "p.md"), ("cards", "cards")):
        done = roundtable("export", str(path), "--to", to, "-o", str(tmp_path / out))
        assert done.returncode == 2, done.stderr
        assert str(path) in done.stderr
        assert problem in done.stderr
        assert "Traceback" not in done.stderr
        assert not (tmp_path / out).exists(), "nothing half-written"
