"""A post as Markdown, for pasting into a blog editor (``roundtable export --to markdown``).

Model-written Markdown and prompts from a file are a stranger's: before they go in, raw
HTML is escaped (outside code), links keep only http(s), mailto and in-post anchors, an
image becomes a link to it (nothing loads when the post is opened), and direction
overrides and control characters are made visible. Cards are pictures in a folder beside
the file, linked relatively; their paths come from the caller (rendering needs Qt).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from desktop.core.post import ItemShow
from desktop.core.post_plan import Attribution, Commentary, Exchange, PostPlan, Section
from desktop.core.visible_text import shown

SAFE_SCHEMES = ("http:", "https:", "mailto:")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_IMAGE = re.compile(r"!\[(?P<text>[^\]\n]*)\]\((?P<dest>[^)\n]*)\)")
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\((?P<dest>[^)\n]*)\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(?P<dest>\S+)")

# Where a card's pictures are, relative to the Markdown file: one path per picture.
CardPaths = Callable[[Exchange], list[str]]


def safe_markdown(text: str) -> str:
    """A stranger's Markdown made safe to paste into an editor that renders Markdown."""
    out = []
    fence: str | None = None
    for line in shown(text.replace("\r\n", "\n")).split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        reference = _REFERENCE.match(line)
        if reference and not _safe(reference["dest"]):
            continue  # a reference definition pointing somewhere unsafe
        out.append(_safe_line(line))
    return "\n".join(out)


def _safe_line(line: str) -> str:
    pieces = []
    last = 0
    for span in _CODE_SPAN.finditer(line):  # code spans show their text as it is
        pieces += [_safe_text(line[last : span.start()]), span.group(0)]
        last = span.end()
    pieces.append(_safe_text(line[last:]))
    return "".join(pieces)


def _safe_text(text: str) -> str:
    text = text.replace("<", "&lt;")
    text = _IMAGE.sub(
        lambda m: f"[{m['text'] or 'image'}]({_dest(m['dest'])})" if _web(m["dest"]) else m["text"],
        text,
    )
    return _LINK.sub(lambda m: m.group(0) if _safe(m["dest"]) else m["text"], text)


def _dest(raw: str) -> str:
    return raw.strip().split()[0].strip("<>") if raw.strip() else ""


def _web(raw: str) -> bool:
    return _dest(raw).lower().startswith(("http:", "https:"))


def _safe(raw: str) -> bool:
    dest = _dest(raw)
    return dest.startswith("#") or dest.lower().startswith(SAFE_SCHEMES)


def render_markdown(plan: PostPlan, card_paths: CardPaths | None = None) -> str:
    """The post as Markdown; ``card_paths`` gives each card's pictures (None: a card
    shows as its answer's text)."""
    out = [f"# {_line(plan.title)}"] if plan.title else []
    if plan.subtitle:
        out.append(f"*{_line(plan.subtitle)}*")
    for part in plan.parts:
        if isinstance(part, Commentary):
            out.append(part.markdown.strip())
        elif isinstance(part, Attribution):
            out.append(_line(part.line).replace("[", "\\[").replace("]", "\\]"))
        elif isinstance(part, Section):
            out += _section(part, card_paths)
    return "\n\n".join(p for p in out if p) + "\n"


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
            answer = exchange.answer
            if exchange.show is ItemShow.EXCERPT:
                answer = f"…{answer}…"
            out.append(f'<a id="{exchange.anchor}"></a>')
            out.append(_blockquote(safe_markdown(answer)))
        if exchange.origin:
            out.append(f"*{_line(exchange.origin[0].upper() + exchange.origin[1:])}.*")
    return out


def _quoted_prompt(exchange: Exchange) -> str:
    lines = safe_markdown(exchange.prompt.strip()).split("\n")
    return "**Prompt:** " + "  \n".join(lines)


def _blockquote(markdown: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in markdown.strip("\n").split("\n"))


def _line(text: str) -> str:
    """A name or title on one line, with nothing that reads as markup."""
    return shown(" ".join(text.split())).replace("<", "&lt;")
