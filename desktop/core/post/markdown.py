"""A post as Markdown, for pasting into a blog editor (``roundtable export --to markdown``).

Model-written Markdown, prompts and commentary from a file are a stranger's: each is
parsed and written back from its tokens (``safe_markdown``), so raw HTML is text, links
keep only http(s), mailto and in-post anchors, and an image becomes a link to it
(nothing loads when the post is opened); names and titles are escaped whole; direction
overrides and control characters are made visible. Cards are pictures in a folder beside
the file, linked relatively; their paths come from the caller (rendering needs Qt).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from functools import cache
from types import SimpleNamespace
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdformat.renderer import MDRenderer

from desktop.core.evidence.web_sources import MAX_MARKS_AT_ONE_PLACE, marker_places
from desktop.core.post.plan import (
    MAX_SOURCES_SHOWN,
    Attribution,
    Commentary,
    Exchange,
    PostError,
    PostPlan,
    Scoreboard,
    Section,
    score_cells,
)
from desktop.core.records.post_blocks import ItemShow
from desktop.core.utils.visible_text import linkable, shown

SAFE_SCHEMES = ("http:", "https:", "mailto:")
# Backslash-escaped in a one-line name or title: every character that can begin inline
# markup (an image, a link, raw HTML, emphasis, code), an & that begins an entity, and
# a # that begins the line (a heading).
_MARKUP = re.compile(r"([\\`*_\[\]<>!]|&(?=#|[A-Za-z0-9]+;)|^#)")
# Where the answer cites its sources, held through safe_markdown (see _cited).
_OPEN, _CLOSE = "\ue002", "\ue003"
_PLACE = re.compile(f"{_OPEN}([0-9,]+){_CLOSE}")
_PLACE_HOLDERS = re.compile(f"[{_OPEN}{_CLOSE}]")
_AFTER_REFERENCE = re.compile(r"(\[\^\d+-\d+\])([(\[:])")
# The one raw HTML the export writes itself: an exchange's anchor.
_ANCHOR = re.compile(r'(<a id="[\w-]+">)?(</a>)?\s*')


def _every_less_than_escaped(text: str, node: Any, context: Any) -> str:
    """mdformat's text, with every "<" escaped: its own pattern consumes the character
    after each "<" it escapes, so in "<<b>" the second one (and the HTML) got through."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":  # an escape already made: kept as it is
            out.append(text[i : i + 2])
            i += 2
            continue
        out.append("\\<" if text[i] == "<" else text[i])
        i += 1
    return "".join(out)


_ESCAPING = SimpleNamespace(RENDERERS={}, POSTPROCESSORS={"text": _every_less_than_escaped})
# Lists numbered 1, 2, 3 as written, not all "1." (mdformat's default).
_RENDER_OPTIONS: Any = {"parser_extension": [_ESCAPING], "mdformat": {"number": True}}

# Where a card's pictures are, relative to the Markdown file: one path per picture.
CardPaths = Callable[[Exchange], list[str]]


@cache
def _parser() -> MarkdownIt:
    # CommonMark without raw HTML: "<b>" is text, and is written back escaped. Every
    # address is read as one (markdown-it leaves javascript: as text on its own, which
    # another editor may read as a link): what is not allowed is then taken out here.
    parser = MarkdownIt("commonmark", {"html": False})
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def safe_markdown(text: str, links: Mapping[str, str] | None = None) -> str:
    """A stranger's Markdown made safe to paste into an editor that renders Markdown.

    markdown-it parses it, and the token stream, not a pattern, says what is an image or
    a link: an image becomes a link to its address when that is http(s) (nothing loads
    when the post is opened), else its description; a link keeps only an http(s),
    mailto or in-post (#) address, else it is its words; reference links are written
    inline, so no definition is written; raw HTML is text. mdformat then writes the
    tokens back as CommonMark, escaping whatever would read as markup again.
    """
    env: dict[str, Any] = {}
    # Ended by a newline: mdformat closes a fence left open at the very end on the
    # fence's last line otherwise, where it closes nothing.
    tokens = _parser().parse(shown(text.replace("\r\n", "\n")) + "\n", env)
    for token in tokens:
        if token.children is not None:
            token.children = _safe_inline(token.children, links or {})
    return str(MDRenderer().render(tokens, _RENDER_OPTIONS, env)).rstrip("\n")


def _safe_inline(children: list[Token], links: Mapping[str, str]) -> list[Token]:
    out: list[Token] = []
    kept: list[bool] = []  # for each link open here: whether it is written
    for token in children:
        if token.type == "text" and links and not kept:
            out += _linked(token.content, links)
            continue
        if token.type == "link_open":
            kept.append(_allowed(str(token.attrGet("href") or "")))
            if kept[-1]:
                token.meta.pop("label", None)  # inline: [words](address)
                out.append(token)
        elif token.type == "link_close":
            if kept.pop():
                out.append(token)
        elif token.type == "image":
            out += _image_as_link(token, inside_link=bool(kept))
        else:
            out.append(token)
    return out


def _linked(text: str, links: Mapping[str, str]) -> list[Token]:
    """Text with each of ``links``' words made a link to its in-post anchor (a chair's
    "Response B" leads to the answer it names)."""
    pattern = re.compile("|".join(rf"\b{re.escape(words)}\b" for words in links))
    out, last = [], 0
    for match in pattern.finditer(text):
        if match.start() > last:
            out.append(Token("text", "", 0, content=text[last : match.start()]))
        out += [
            Token("link_open", "a", 1, attrs={"href": links[match.group(0)]}),
            Token("text", "", 0, content=match.group(0)),
            Token("link_close", "a", -1),
        ]
        last = match.end()
    if last < len(text):
        out.append(Token("text", "", 0, content=text[last:]))
    return out


def _image_as_link(image: Token, inside_link: bool) -> list[Token]:
    words = "".join(t.content for t in _flat(image.children or []) if t.type in _WORDS)
    src = str(image.attrGet("src") or "")
    text = Token("text", "", 0, content=words or "image")
    if inside_link or not src.lower().startswith(("http:", "https:")):
        return [text]
    return [Token("link_open", "a", 1, attrs={"href": src}), text, Token("link_close", "a", -1)]


_WORDS = ("text", "code_inline")


def _flat(tokens: list[Token]) -> list[Token]:
    return [t for token in tokens for t in (token, *_flat(token.children or []))]


def _allowed(href: str) -> bool:
    return href.startswith("#") or href.lower().startswith(SAFE_SCHEMES)


def unsafe_markup(markdown: str, pictures: Collection[str] = ()) -> list[str]:
    """What in ``markdown``, read as a blog editor reads it (CommonMark with raw HTML),
    would load or run something: images (but the card ``pictures`` named), raw HTML
    (but an exchange's anchor), links to anything but http(s), mailto and #anchors.
    Empty for every post :func:`render_markdown` writes."""
    reader = MarkdownIt("commonmark")
    reader.validateLink = lambda url: True  # type: ignore[method-assign]  # as _parser
    allowed = {reader.normalizeLink(p) for p in pictures}
    found = []
    for token in _flat(reader.parse(markdown)):
        if token.type == "image" and token.attrGet("src") not in allowed:
            found.append(f"an image of {token.attrGet('src')}")
        elif token.type == "link_open" and not _allowed(str(token.attrGet("href") or "")):
            found.append(f"a link to {token.attrGet('href')}")
        elif token.type in ("html_inline", "html_block") and not _ANCHOR.fullmatch(token.content):
            found.append(f"raw HTML {token.content.strip()[:40]!r}")
    return found


def render_markdown(plan: PostPlan, card_paths: CardPaths | None = None) -> str:
    """The post as Markdown; ``card_paths`` gives each card's pictures (None: a card
    shows as its answer's text). Read back before it is given out: PostError if it
    would load or link anything it should not (see :func:`unsafe_markup`)."""
    out = [f"# {_line(plan.title)}"] if plan.title else []
    if plan.subtitle:
        out.append(f"*{_line(plan.subtitle)}*")
    for part in plan.parts:
        if isinstance(part, Commentary):
            out.append(safe_markdown(part.markdown.strip()))
        elif isinstance(part, Attribution):
            out.append(_line(part.line))
        elif isinstance(part, Section):
            out += _section(part, card_paths)
        elif isinstance(part, Scoreboard):
            out.append(_scoreboard(part))
    markdown = "\n\n".join(p for p in out if p) + "\n"
    cards = [e for e in plan.exchanges if e.show is ItemShow.CARD]
    pictures = [p for e in cards for p in card_paths(e)] if card_paths is not None else []
    problems = unsafe_markup(markdown, pictures)
    if problems:
        raise PostError(f"the Markdown would carry {problems[0]}; nothing was written")
    return markdown


def _section(section: Section, card_paths: CardPaths | None) -> list[str]:
    heading = _line(section.heading)
    if section.reaction:
        heading += f" {_line(section.reaction)}"
    out = [f"## {heading}"]
    for exchange in section.exchanges:
        out.append(_quoted_prompt(exchange))
        if exchange.attachments:
            out.append("  \n".join(f"📎 {_line(a.name)}" for a in exchange.attachments))
        if exchange.show is ItemShow.CARD and card_paths is not None:
            alt = f"{_line(section.seat.label)}, answer {exchange.number}"
            out += [f'<a id="{exchange.anchor}"></a>']
            out += [f"![{alt}]({path})" for path in card_paths(exchange)]
        elif exchange.show is not ItemShow.PROMPT:
            if exchange.reasoning:
                out.append(f"*💭 {_line(exchange.thought)}:*")
                out.append(_blockquote(safe_markdown(exchange.reasoning)))
            answer = _cited(exchange)
            if exchange.show is ItemShow.EXCERPT:
                answer = f"…{answer}…"
            out.append(f'<a id="{exchange.anchor}"></a>')
            out.append(_blockquote(answer))
            out += _footnotes(exchange)
            out += [f"*🗳 {_line(vote)}.*" for vote in exchange.votes]
            if exchange.key:
                keyed = " · ".join(_keyed(*entry) for entry in exchange.key)
                out.append(f"*🔑 {keyed}*")
        if exchange.origin:
            out.append(f"*{_line(exchange.origin[0].upper() + exchange.origin[1:])}.*")
    return out


def _cited(exchange: Exchange) -> str:
    """The answer shown, made safe, with a footnote reference where it cites a source.

    The places are in the answer's own text, which ``safe_markdown`` writes anew: each
    is held by characters of Unicode's private use (any in the answer itself are made
    visible first) that come through as text, then turned into ``[^3-1]`` (the
    exchange's number, the source's), unique in the post. A place that fell where no
    text can be (inside an address) is dropped with its holder.
    """
    answer = _PLACE_HOLDERS.sub("\ufffd", exchange.answer)  # one for one: places stay true
    pieces, last = [], 0
    for at, numbers in marker_places(answer, list(exchange.sources[:MAX_SOURCES_SHOWN])):
        shown_here = numbers[:MAX_MARKS_AT_ONE_PLACE]
        pieces += [answer[last:at], _OPEN + ",".join(map(str, shown_here)) + _CLOSE]
        last = at
    letters = {letter: f"#{anchor}" for letter, _, anchor in exchange.key if anchor}
    markdown = safe_markdown("".join([*pieces, answer[last:]]), letters)

    def reference(match: re.Match[str]) -> str:
        return "".join(f"[^{exchange.number}-{n}]" for n in match[1].split(","))

    referenced = _PLACE_HOLDERS.sub("", _PLACE.sub(reference, markdown))
    # "[^3-1](" would read as a link, "[^3-1]:" as a definition: what follows a
    # reference is taken as text.
    return _AFTER_REFERENCE.sub(r"\1\\\2", referenced)


def _footnotes(exchange: Exchange) -> list[str]:
    """The sources as footnotes: "[^3-1]: Its title — <https://…>" (only an http(s)
    address is a link; any other is text)."""
    notes = []
    for number, source in enumerate(exchange.sources[:MAX_SOURCES_SHOWN], 1):
        address = f"<{source.url}>" if linkable(source.url) else _line(source.url)
        title = _line(source.title)
        notes.append(f"[^{exchange.number}-{number}]: {title} — {address}" if title else
                     f"[^{exchange.number}-{number}]: {address}")  # fmt: skip
    more = len(exchange.sources) - MAX_SOURCES_SHOWN
    if more > 0:
        notes.append(f"\n*… and {more:,} more sources, kept in the transcript.*")
    return ["\n".join(notes)] if notes else []


def _keyed(letter: str, label: str, anchor: str) -> str:
    """ "Response A = [Claude](#reply-…)": whose the letter was, linked to its answer."""
    who = f"[{_line(label)}](#{anchor})" if anchor else _line(label)
    return f"{_line(letter)} = {who}"


def _scoreboard(board: Scoreboard) -> str:
    """The board as a Markdown table (GitHub's, which most blog editors take)."""
    rows = [f"**{_line(board.caption)}**", "",
            "| Model | Votes | Won | Lost | Tied | Strength (95 %) | Peer place |",
            "|---|---:|---:|---:|---:|---|---:|"]  # fmt: skip
    for line in board.lines:
        rows.append("| " + " | ".join(_cell(c) for c in score_cells(line)) + " |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return _line(text).replace("|", "\\|")


def _quoted_prompt(exchange: Exchange) -> str:
    markdown = safe_markdown(exchange.prompt.strip())
    first = next((t for t in _parser().parse(markdown) if t.level == 0), None)
    if first is not None and first.type != "paragraph_open":
        # A fence, list or quote is one only at the start of a line: not after a label.
        return f"**Prompt:**\n\n{markdown}"
    return "**Prompt:** " + "  \n".join(markdown.split("\n"))


def _blockquote(markdown: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in markdown.strip("\n").split("\n"))


def _line(text: str) -> str:
    """A name or title on one line, with nothing that reads as markup."""
    return _MARKUP.sub(lambda m: "\\" + m.group(0), shown(" ".join(text.split())))
