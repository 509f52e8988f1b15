"""A post as one self-contained HTML page (``roundtable export --to html``).

Styles are inline and pictures are data: URIs, so the file is the whole post. Markdown
is rendered with markdown-it-py (CommonMark and tables, raw HTML off), code highlighted
with Pygments, and every fragment from the session (answers, prompts, names, her
commentary too) sanitised with nh3: no script, no event handler, no link but http(s),
mailto and in-post anchors, no image but the card pictures put in after sanitising (a
remote image becomes a link to it). A Content-Security-Policy allows no script and no
remote load besides, in case a browser ever found a way. Highlights from annotations
are ``<mark>``; comments are asides after the answer.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from typing import Any

import nh3
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from desktop.core.evidence.web_sources import MAX_MARKS_AT_ONE_PLACE, marker_places
from desktop.core.post.plan import (
    MAX_SOURCES_SHOWN,
    Attribution,
    Commentary,
    Exchange,
    PostPlan,
    Scoreboard,
    Section,
    score_cells,
)
from desktop.core.records.evidence import WebSource
from desktop.core.records.post_blocks import ItemShow
from desktop.core.utils.visible_text import linkable, shown

# Card pictures (PNG bytes) for an exchange shown as a card; rendering them needs Qt.
CardImages = Callable[[Exchange], list[bytes]]

_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"  # private use: stripped from all input
_CITE_OPEN, _CITE_CLOSE = "\ue002", "\ue003"  # where the answer cites sources: the same
_PRIVATE = re.compile("[\ue000-\ue003]")
_CITE = re.compile(f"{_CITE_OPEN}([0-9,]+){_CITE_CLOSE}")
_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    "span", "div", "sup",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_IN_POST_LINK = re.compile(r'<a href="#[^"]*"[^>]*>(.*?)</a>', re.S)
_FORMATTER = HtmlFormatter(nowrap=True)
_CODE_STYLE: str = _FORMATTER.get_style_defs(".highlight")  # type: ignore[no-untyped-call]
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'"


def _highlight(code: str, language: str, _attrs: Any) -> str:
    try:
        lexer = get_lexer_by_name(language.strip().split()[0]) if language.strip() else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return ""  # markdown-it escapes the code itself
    return f'<pre><code class="highlight">{highlight(code, lexer, _FORMATTER)}</code></pre>'


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight})
    md.enable(["table", "strikethrough"])

    def image(renderer: Any, tokens: Any, index: int, options: Any, env: Any) -> str:
        # Nothing is loaded from a session: a web image becomes a link to it.
        token = tokens[index]
        alt = html.escape(token.content or "image")
        src = str(token.attrGet("src") or "")
        if src.lower().startswith(("http:", "https:")):
            return f'<a href="{html.escape(src)}">{alt}</a>'
        return alt

    md.add_render_rule("image", image)
    return md


_MD = _markdown()


def clean(fragment: str) -> str:
    """HTML from a session's text, with only the tags, attributes and links allowed."""
    return nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def markdown_html(
    text: str,
    highlights: tuple[tuple[int, int], ...] = (),
    sources: tuple[WebSource, ...] = (),
) -> str:
    """A stranger's Markdown as safe HTML, ``highlights`` (ranges in ``text``) marked
    and a ``[n]`` where it cites source n of ``sources``.

    Both are held through rendering by characters of Unicode's private use (any in the
    text itself are made visible first); one that fell where no text can be (inside an
    address) is dropped.
    """
    text = shown(_PRIVATE.sub("\ufffd", text))  # one for one: the ranges stay true
    # At one place: a highlight ends, then the citation, then the next highlight begins.
    listed = list(sources[:MAX_SOURCES_SHOWN])
    inserts = [
        (at, 1, _CITE_OPEN + ",".join(map(str, numbers[:MAX_MARKS_AT_ONE_PLACE])) + _CITE_CLOSE)
        for at, numbers in marker_places(text, listed)
    ]
    for start, end in _by_line(text, highlights):
        inserts += [(start, 2, _MARK_OPEN), (end, 0, _MARK_CLOSE)]
    pieces, last = [], 0
    for at, _, mark in sorted(inserts, key=lambda i: (i[0], i[1])):
        pieces += [text[last:at], mark]
        last = at
    safe = clean(_MD.render("".join([*pieces, text[last:]])))
    # Only between tags: a holder that fell inside one (a link's title) is dropped, so
    # it can never end an attribute.
    out = []
    for piece in _TAG.split(safe):
        if piece.startswith("<"):
            out.append(_PRIVATE.sub("", piece))
            continue
        piece = _CITE.sub(lambda m: "".join(f"[{n}]" for n in m[1].split(",")).join(_SUP), piece)
        out.append(
            _PRIVATE.sub("", piece.replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>"))
        )
    return "".join(out)


_SUP = ('<sup class="cite">', "</sup>")


def sources_html(exchange: Exchange) -> str:
    """The answer's sources as a numbered list of links ("Sources" above it): titles
    as text, each address written out; only an http(s) address is a link, and it says
    it is not followed and gives the page no hold on this one."""
    if not exchange.sources:
        return ""
    items = []
    for source in exchange.sources[:MAX_SOURCES_SHOWN]:
        address = _text(source.url)
        if linkable(source.url):
            address = f'<a href="{html.escape(source.url, quote=True)}">{address}</a>'
        title = f"{_text(' '.join(source.title.split()))} — " if source.title.strip() else ""
        items.append(f"<li>{title}{address}</li>")
    more = len(exchange.sources) - MAX_SOURCES_SHOWN
    tail = f"<p>… and {more:,} more sources, kept in the transcript.</p>" if more > 0 else ""
    listed = clean(f'<div class="sources"><p>Sources</p><ol>{"".join(items)}</ol>{tail}</div>')
    return listed.replace(
        'rel="noopener noreferrer nofollow"', 'rel="nofollow noopener noreferrer"'
    )


def reasoning_html(exchange: Exchange) -> str:
    """The answer's reasoning folded under one line ("💭 Thought for 34 s · …"), opened
    by the reader (HTML's own details: no script)."""
    if not exchange.reasoning:
        return ""
    inside = markdown_html(exchange.reasoning)
    return (
        f'<details class="reasoning"><summary>💭 {_text(exchange.thought)}</summary>'
        f"{inside}</details>"
    )


def _by_line(text: str, ranges: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """Ranges cut at line ends, so a mark never spans two blocks."""
    out = []
    for start, end in ranges:
        while start < end:
            stop = text.find("\n", start, end)
            stop = end if stop < 0 else stop
            if stop > start:
                out.append((start, stop))
            start = stop + 1
    return out


def render_html(plan: PostPlan, card_images: CardImages | None = None) -> str:
    """The post as one HTML page; ``card_images`` renders a card (None: its text)."""
    body = []
    if plan.title:
        body.append(f"<h1>{_text(plan.title)}</h1>")
    if plan.subtitle:
        body.append(f'<p class="subtitle">{_text(plan.subtitle)}</p>')
    for part in plan.parts:
        if isinstance(part, Commentary):
            body.append(markdown_html(part.markdown))
        elif isinstance(part, Attribution):
            body.append(f'<p class="attribution">{_text(part.line)}</p>')
        elif isinstance(part, Section):
            body.append(_section(part, card_images))
        elif isinstance(part, Scoreboard):
            body.append(_scoreboard(part))
    title = _text(plan.title or "Post")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{_STYLE}\n{_CODE_STYLE}"
        "\n</style>\n</head>\n<body>\n<article>\n" + "\n".join(body) + "\n</article>\n</body>\n"
        "</html>\n"
    )


def clipboard_html(plan: PostPlan, card_images: CardImages | None = None) -> str:
    """The post for a blog editor's paste: its body in semantic tags only (headings,
    paragraphs, quotes, lists, code, links, pictures), no styles, classes or ids."""
    page = render_html(plan, card_images)
    body = page.split("<article>", 1)[1].split("</article>", 1)[0]
    body = _IN_POST_LINK.sub(r"\1", body)  # no ids go with it, so no in-post links either
    return nh3.clean(
        body,
        tags=(_TAGS - {"span", "div"})
        | {"b", "img", "mark", "aside", "section", "details", "summary"},
        attributes={"a": {"href"}, "img": {"src", "alt"}, "ol": {"start"}},
        url_schemes={"http", "https", "mailto", "data"},  # data: only for the cards
        link_rel=None,
        strip_comments=True,
    )


def _section(section: Section, card_images: CardImages | None) -> str:
    colour = section.seat.colour if _COLOUR.match(section.seat.colour or "") else "#888888"
    heading = _text(section.heading)
    if section.reaction:
        heading += f' <span class="reaction">{_text(section.reaction)}</span>'
    out = [f'<section class="seat" style="border-color: {colour}">', f"<h2>{heading}</h2>"]
    for exchange in section.exchanges:
        out.append(_exchange(section, exchange, card_images))
    out.append("</section>")
    return "\n".join(out)


def _exchange(section: Section, exchange: Exchange, card_images: CardImages | None) -> str:
    prompt = _text(exchange.prompt.strip()).replace("\n", "<br>")
    out = [f'<div class="exchange"><p class="prompt"><b>Prompt:</b> {prompt}</p>']
    if exchange.attachments:
        names = ", ".join(_text(a.name) for a in exchange.attachments)
        out.append(f'<p class="files">📎 {names}</p>')
    if exchange.show is ItemShow.CARD and card_images is not None:
        label = _text(f"{section.seat.label}, answer {exchange.number}")
        out.append(f'<div class="card" id="{exchange.anchor}">')
        for png in card_images(exchange):
            data = base64.b64encode(png).decode("ascii")
            out.append(f'<img src="data:image/png;base64,{data}" alt="{label}">')
        out.append("</div>")
    elif exchange.show is not ItemShow.PROMPT:
        kind = "excerpt" if exchange.show is ItemShow.EXCERPT else "answer"
        answer = markdown_html(exchange.answer, exchange.highlights, exchange.sources)
        if exchange.key:  # a chair's "Response B" leads to the answer it names
            answer = link_letters(answer, exchange.key)
        out.append(reasoning_html(exchange))
        out.append(f'<div class="{kind}" id="{exchange.anchor}">{answer}</div>')
        out.append(sources_html(exchange))
        out += [f'<p class="vote">🗳 {_text(vote)}.</p>' for vote in exchange.votes]
        if exchange.key:
            keyed = " · ".join(
                f"{_text(letter)} = "
                + (f'<a href="#{anchor}">{_text(label)}</a>' if anchor else _text(label))
                for letter, label, anchor in exchange.key
            )
            out.append(f'<p class="key">🔑 {keyed}</p>')
        for comment in exchange.comments:
            quoted = f"“{_text(comment.exact)}” — " if comment.exact else ""
            out.append(f'<aside class="comment">{quoted}{_text(comment.note)}</aside>')
    if exchange.origin:
        out.append(
            f'<p class="origin">{_text(exchange.origin[0].upper() + exchange.origin[1:])}.</p>'
        )
    out.append("</div>")
    return "\n".join(out)


_TAG = re.compile(r"(<[^>]*>)")
_LETTER = re.compile(r"\bResponse ([A-Z])\b")
_NO_LINKS_IN = ("a", "code", "pre")


def link_letters(fragment: str, key: tuple[tuple[str, str, str], ...]) -> str:
    """``fragment`` (safe HTML) with each "Response X" in its text a link to the answer
    the key says X was, where that answer is in the post; never inside a link or code."""
    anchors = {letter.removeprefix("Response "): anchor for letter, _, anchor in key if anchor}
    out: list[str] = []
    closed_by: list[str] = []  # the tags we are inside that take no link
    for piece in _TAG.split(fragment):
        if piece.startswith("<"):
            name = piece.strip("</>").split()[0].lower() if piece.strip("</>") else ""
            if name in _NO_LINKS_IN:
                if piece.startswith("</"):
                    if closed_by:
                        closed_by.pop()
                elif not piece.endswith("/>"):
                    closed_by.append(name)
            out.append(piece)
        elif closed_by:
            out.append(piece)
        else:
            out.append(_LETTER.sub(
                lambda m: f'<a href="#{anchors[m[1]]}">{m[0]}</a>' if m[1] in anchors else m[0],
                piece,
            ))  # fmt: skip
    return "".join(out)


def _scoreboard(board: Scoreboard) -> str:
    heads = ("Model", "Votes", "Won", "Lost", "Tied", "Strength (95 %)", "Peer place")
    head = "".join(f"<th>{h}</th>" for h in heads)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in score_cells(line)) + "</tr>"
        for line in board.lines
    )
    return (
        f'<table class="scoreboard"><caption>{_text(board.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _text(text: str) -> str:
    """Plain text from the session, escaped, with nothing hidden in it."""
    return html.escape(shown(text))


_STYLE = """
body { margin: 0; background: #fbfaf7; color: #1d1d1f;
  font: 18px/1.6 "Noto Serif", Georgia, serif; }
article { max-width: 720px; margin: 0 auto; padding: 48px 20px 96px; }
h1 { font-size: 2.2em; line-height: 1.2; margin: 0 0 .2em; }
.subtitle { font-size: 1.25em; color: #555; margin-top: 0; font-style: italic; }
h2 { font-size: 1.4em; margin: 1.6em 0 .6em; }
.attribution { font-style: italic; color: #555; }
section.seat { border-left: 4px solid; padding-left: 20px; margin: 2.5em 0; }
.prompt { font-family: "Noto Sans", Helvetica, Arial, sans-serif; font-size: .92em;
  background: #efede6; border-radius: 8px; padding: 10px 14px; }
.files { font-family: "Noto Sans", sans-serif; font-size: .85em; color: #555; }
.answer, .excerpt { font-family: "Noto Sans", Helvetica, Arial, sans-serif; font-size: .95em; }
.excerpt { border-left: 3px solid #ccc; padding-left: 12px; color: #333; }
.card img { width: 100%; max-width: 720px; display: block; margin: 8px 0;
  border-radius: 10px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
.comment { font-family: "Noto Sans", sans-serif; font-size: .85em; background: #fff8d6;
  border-left: 3px solid #e6c200; padding: 6px 10px; margin: 8px 0; }
.origin { font-size: .85em; color: #666; font-style: italic; }
mark { background: #ffec80; padding: 0 1px; }
sup.cite { font-size: .7em; color: #1a5fb4; }
table.scoreboard { font-family: "Noto Sans", sans-serif; font-size: .85em; margin: 1.5em 0; }
table.scoreboard caption { font-weight: 600; text-align: left; padding-bottom: 4px; }
.vote, .key { font-family: "Noto Sans", sans-serif; font-size: .85em; color: #555; }
.sources { font-family: "Noto Sans", sans-serif; font-size: .8em; color: #555; }
.sources p { margin: .6em 0 .2em; font-weight: 600; }
.sources ol { margin: 0; padding-left: 1.6em; } .sources li { overflow-wrap: anywhere; }
details.reasoning { font-family: "Noto Sans", sans-serif; font-size: .85em; color: #555;
  background: #f4f2ec; border-radius: 6px; padding: 6px 12px; margin: 8px 0; }
details.reasoning summary { cursor: pointer; }
pre { background: #f4f2ec; padding: 12px; border-radius: 6px; overflow-x: auto;
  font-size: .85em; line-height: 1.45; }
code { font-family: "Noto Sans Mono", Menlo, Consolas, monospace; }
blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 14px; color: #444; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 4px 8px; }
a { color: #1a5fb4; }
""".strip()
