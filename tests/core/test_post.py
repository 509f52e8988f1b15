"""The post worked out for export: attribution, broken posts named by block, quotes
woven into commentary, and a hostile answer exported safely as Markdown and HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from desktop.core.post.attribution import attribution_line
from desktop.core.post.html import render_html
from desktop.core.post.markdown import render_markdown, unsafe_markup
from desktop.core.post.plan import PostError, plan_post
from desktop.core.records.model import (
    Annotation,
    AnnotationKind,
    Reply,
    ReplyStatus,
    Seat,
    Session,
    Turn,
    TurnKind,
)
from desktop.core.records.post_blocks import (
    AttributionBlock,
    ItemShow,
    Post,
    PostItem,
    SectionBlock,
    TextBlock,
)

HOSTILE = (
    "Fine.\n\n<script>document.title='pwned'</script>\n\n"
    '<img src="http://evil.example/track.png" onerror="alert(1)">\n\n'
    "[click me](javascript:alert(1)) and [file](file:///etc/passwd) and "
    "[ok](https://example.org/ok)\n\n![remote](https://evil.example/pixel.png)\n\n"
    '<iframe src="https://evil.example/"></iframe>\n\n'
    "[ref]\n\n[ref]: javascript:alert(2)\n\n![zero](/dev/zero) ![data](data:image/png;base64,AAAA)\n\n"
    "a\u202efdp.exe is a file\n\n"
    "```html\n<script>alert(3)</script>\n```\n"
)


class Elements(HTMLParser):
    """Every element of a page with its attributes, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text += data


def session_of(*labels: str) -> Session:
    seats = [Seat(label, f"m/{i}") for i, label in enumerate(labels)]
    turn = Turn(TurnKind.PROMPT, "What do you make of it?", [s.id for s in seats])
    turn.replies = [
        Reply(s.id, status=ReplyStatus.COMPLETE, text=f"{s.label} thinks it is doomed.")
        for s in seats
    ]
    return Session(title="Doomed?", seats=seats, turns=[turn])


def test_the_attribution_groups_versions_of_one_family_as_she_does() -> None:
    seats = [
        Seat(label, "m")
        for label in ("Claude Sonnet 4", "ChatGPT-5.1", "Claude Sonnet 4.5", "Gemini 3 Pro")
    ]
    assert attribution_line(seats) == (
        "[This post was drafted with assistance from Claude Sonnet 4 & 4.5, ChatGPT-5.1, "
        "and Gemini 3 Pro.]"
    )
    assert attribution_line(seats[:2]) == (
        "[This post was drafted with assistance from Claude Sonnet 4 and ChatGPT-5.1.]"
    )
    assert attribution_line([Seat("Local llama", "m")]) == (
        "[This post was drafted with assistance from Local llama.]"
    )


def test_a_session_without_blocks_exports_the_default_post() -> None:
    session = session_of("Alpha", "Beta")
    session.post.excluded_ids = [session.turns[0].replies[1].id]
    plan = plan_post(session)
    assert plan.title == "Doomed?"
    assert [s.heading for s in plan.sections] == ["Alpha"], "Beta's only answer is excluded"
    assert plan.exchanges[0].answer == "Alpha thinks it is doomed."


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        (PostItem("no-such-turn"), "item 1: the turn 'no-such-turn' is not in the file"),
        (
            PostItem("TURN", show=ItemShow.EXCERPT, start=3, end=999),
            "item 1: the excerpt 3..999 is not within the answer (26 characters)",
        ),
        (PostItem("TURN", reply_id="REPLY-OF-BETA"), "is not Alpha's to it"),
    ],
)
def test_a_broken_post_is_an_error_naming_the_block(item: PostItem, problem: str) -> None:
    session = session_of("Alpha", "Beta")
    turn = session.turns[0]
    item.turn_id = turn.id if item.turn_id == "TURN" else item.turn_id
    if item.reply_id == "REPLY-OF-BETA":
        item.reply_id = turn.replies[1].id
    alpha = session.seats[0]
    session.post = Post(blocks=[TextBlock("Hi"), SectionBlock(alpha.id, items=[item])])
    with pytest.raises(PostError) as caught:
        plan_post(session)
    assert str(caught.value).startswith("block 2 (section “Alpha”)")
    assert problem in str(caught.value)


def test_a_section_for_a_seat_that_is_not_there_is_named() -> None:
    session = session_of("Alpha")
    session.post = Post(blocks=[SectionBlock("ghost", items=[PostItem(session.turns[0].id)])])
    with pytest.raises(PostError, match=r"^block 1 \(section\): the seat 'ghost' is not"):
        plan_post(session)


def test_quotes_link_to_answers_in_the_post_and_are_plain_words_otherwise() -> None:
    session = session_of("Alpha", "Beta")
    turn = session.turns[0]
    alpha, beta = turn.replies
    in_post = f"[doomed](roundtable:reply/{alpha.id}?start=19&end=25)"
    not_in = f"[doomed](roundtable:reply/{beta.id}?start=18&end=24)"
    stale = f"[hopeful](roundtable:reply/{alpha.id}?start=19&end=25)"
    session.post = Post(
        blocks=[
            TextBlock(f"Alpha found it {in_post}; Beta {not_in}; once {stale}."),
            SectionBlock(session.seats[0].id, items=[PostItem(turn.id)]),
        ]
    )
    plan = plan_post(session)
    markdown = render_markdown(plan)
    assert f"Alpha found it [doomed](#reply-{alpha.id}); Beta “doomed”" in markdown
    assert "roundtable:" not in markdown, "never a dangling link"
    assert plan.warnings == [
        "block 1 (text): the quote “hopeful” no longer matches the answer there (“doomed”)"
    ]
    assert re.search(f'<a href="#reply-{alpha.id}"[^>]*>doomed</a>', render_html(plan))


def test_an_annotated_answer_shows_highlights_and_comments_in_html() -> None:
    session = session_of("Alpha")
    reply = session.turns[0].replies[0]
    session.annotations = [
        Annotation(AnnotationKind.HIGHLIGHT, reply.id, start=19, end=25, exact="doomed"),
        Annotation(AnnotationKind.COMMENT, reply.id, start=0, end=5, note="Bold.", exact="Alpha"),
    ]
    page = render_html(plan_post(session))
    assert "Alpha thinks it is <mark>doomed</mark>." in page
    assert '<aside class="comment">“Alpha” — Bold.</aside>' in page


def test_a_hostile_answer_exports_safely_as_markdown_and_html() -> None:
    session = session_of("Alpha\u202e")
    session.turns[0].replies[0].text = HOSTILE
    session.post = Post(
        title="<b>T</b>",
        blocks=[
            AttributionBlock(),
            SectionBlock(session.seats[0].id, items=[PostItem(session.turns[0].id)]),
        ],
    )
    plan = plan_post(session)

    markdown = render_markdown(plan)
    # Read as a blog editor reads it (raw HTML on): no image, no HTML, no other link.
    assert unsafe_markup(markdown) == []
    assert "\\<script>document.title" in markdown, "the words are kept, as text"
    assert "<script>alert(3)</script>" in markdown.split("```html")[1], "code stays code"
    assert "[remote](https://evil.example/pixel.png)" in markdown, "a remote image is a link"
    assert "[ok](https://example.org/ok)" in markdown
    assert "\u202e" not in markdown
    assert "a\ufffdfdp.exe" in markdown

    page = render_html(plan)
    elements = Elements()
    elements.feed(page)
    tags = {tag for tag, _ in elements.found}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "form"}
    for tag, attrs in elements.found:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcset", "background"), (tag, name)
            if name == "href":
                assert (value or "").startswith(("https://", "#")), value
    hrefs = [dict(a).get("href") for tag, a in elements.found if tag == "a"]
    assert "https://evil.example/pixel.png" in hrefs, "a remote image is a link"
    assert "<script>alert(3)</script>" in elements.text, "code shows as code"
    assert "\u202e" not in page
    assert "default-src 'none'" in page, "and a Content-Security-Policy besides"


def test_ids_from_a_hostile_file_cannot_break_out_of_an_anchor() -> None:
    # The anchor is built from the reply's id, which a shared file chooses: it went into
    # id="…" attributes, Markdown and card file names as it was.
    session = session_of("Alpha")
    reply = session.turns[0].replies[0]
    reply.id = 'x"><script>alert(1)</script><a x="../../etc'
    plan = plan_post(session)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", plan.exchanges[0].anchor)
    for exported in (render_markdown(plan), render_html(plan)):
        assert "<script" not in exported
        assert "../" not in exported


def test_a_block_of_a_kind_from_a_newer_release_is_kept_and_left_out_of_exports() -> None:
    """docs/transcript.md promises unknown fields are kept; a 'poll' block was refused."""
    import json

    from desktop.core.records.post_blocks import UnknownBlock
    from desktop.core.transcript import TranscriptError, dumps, loads

    session = session_of("Alpha", "Beta")
    session.post.blocks = [TextBlock("Mine."), *default_post_blocks(session)]
    data = json.loads(dumps(session))
    poll = {"kind": "poll", "question": "Who won?", "options": ["Alpha", "Beta"]}
    data["post"]["blocks"].insert(1, poll)
    loaded = loads(json.dumps(data).encode()).session
    assert loaded.post.blocks[1] == UnknownBlock("poll", poll)
    assert json.loads(dumps(loaded))["post"]["blocks"][1] == poll, "written back unchanged"
    plan = plan_post(loaded)
    assert plan.warnings == ["block 2 is a 'poll' block from a newer Roundtable: left out"]
    assert [type(p).__name__ for p in plan.parts] == ["Commentary", "Section", "Section"]
    markdown = render_markdown(plan)
    assert "Who won" not in markdown
    assert "poll" not in markdown
    loaded.post.blocks.insert(1, AttributionBlock())  # after the unknown one: still placed
    assert "Alpha and Beta" in render_markdown(plan_post(loaded))
    data["post"]["blocks"][1] = {"kind": 7}
    with pytest.raises(TranscriptError, match="kind should be a string"):
        loads(json.dumps(data).encode())


def default_post_blocks(session: Session) -> list[SectionBlock]:
    from desktop.core.post.plan import default_post

    return [b for b in default_post(session).blocks if isinstance(b, SectionBlock)]


@pytest.mark.parametrize(
    "answer",
    [
        "![pixel [1]](https://evil.example/p.png)",
        "[click [here]](javascript:alert(1))",
        "[click\nhere](javascript:alert(1))",
        "![x][p]\n\n[p]: https://evil.example/p.png",
        "[x][p]\n\n[p]:\n  javascript:alert(1)",
        "![x][p]\n\n[p]:\n  https://evil.example/p.png",
        "<<script>alert(1)</script>",
        "```\n<script>",
    ],
)
def test_no_image_html_or_unsafe_link_reaches_the_markdown_export(answer: str) -> None:
    """Each got through the patterns the export used before it parsed the Markdown."""
    session = session_of("Alpha")
    session.turns[0].replies[0].text = answer
    session.turns[0].text = answer
    session.title = "![t](https://evil.example/t.png) title"
    session.seats[0].label = "<img src=x> [me](javascript:x)"
    session.post.blocks = [TextBlock(answer), AttributionBlock(), *default_post_blocks(session)]
    markdown = render_markdown(plan_post(session))
    assert unsafe_markup(markdown) == []
    assert "![" not in markdown.replace("\\![", "")
