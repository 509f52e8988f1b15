"""A post exported to files: what ``roundtable export`` and the window's Export… write.

Everything is rendered in memory first (nothing is half-written) and every refusal is a
PostError. Cards are pictures, and drawing them needs Qt, which this Qt-free core does
not import: the caller hands in its card painter (the window's own, on its running
application; the command's, offscreen, in its own process only).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from desktop.core.post.plan import Exchange, PostError, PostPlan, Section
from desktop.core.utils.visible_text import file_name_of_title

FORMATS = ("markdown", "html", "cards")

# One exchange's card as PNG pictures, top to bottom; ``with_prompt`` False in a post,
# which prints the prompt just above it.
CardPainter = Callable[[Section, Exchange, bool], list[bytes]]


def rendered_files(plan: PostPlan, to: str, output: Path, paint: CardPainter) -> dict[Path, bytes]:
    """Every file an export to ``to`` at ``output`` writes, with its bytes; PostError
    when ``output`` is the wrong kind of path or the post cannot be written safely."""
    if to == "cards":
        if output.exists() and not output.is_dir():
            raise PostError(f"{output} is a file; cards go in a folder")
        wanted = [e for e in plan.exchanges if e.show.value == "card"] or plan.exchanges
        return {output / name: png for pictures in _cards(plan, wanted, True, paint).values()
                for name, png in pictures}  # fmt: skip
    if output.is_dir():
        raise PostError(f"{output} is a folder; give the name of the file to write")
    # In a post the prompt is printed just above its card: the card leaves it out.
    shown_as_cards = [e for e in plan.exchanges if e.show.value == "card"]
    cards = _cards(plan, shown_as_cards, False, paint)
    if to == "html":
        from desktop.core.post.html import render_html

        page = render_html(plan, lambda e: [png for _, png in cards.get(e.anchor, [])])
        return {output: page.encode("utf-8")}
    from desktop.core.post.markdown import render_markdown

    folder = output.with_name(f"{output.stem}_cards")
    text = render_markdown(
        plan, lambda e: [f"{folder.name}/{name}" for name, _ in cards.get(e.anchor, [])]
    )
    files = {folder / name: png for pictures in cards.values() for name, png in pictures}
    files[output] = text.encode("utf-8")
    return files


def _cards(
    plan: PostPlan, exchanges: list[Exchange], with_prompt: bool, paint: CardPainter
) -> dict[str, list[tuple[str, bytes]]]:
    """Each exchange's card pictures by its anchor, named ``NN-seat--ANCHOR--P.png``."""
    out: dict[str, list[tuple[str, bytes]]] = {}
    sections = {id(e): s for s in plan.sections for e in s.exchanges}
    for exchange in exchanges:
        section = sections[id(exchange)]
        # The label is a stranger's: only word characters, dots and dashes in a file name.
        seat = re.sub(r"[^\w.-]+", "-", file_name_of_title(section.seat.label, "seat"))
        seat = seat.strip(".-")[:40]
        out[exchange.anchor] = [
            (f"{exchange.number:02d}-{seat}--{exchange.anchor}--{page}.png", png)
            for page, png in enumerate(paint(section, exchange, with_prompt), 1)
        ]
    return out
