"""A reply's web sources: gathered while it streams, and chosen for what is quoted of it.

A provider names its sources piecemeal (Anthropic cites before the text it cites,
OpenAI and Gemini annotate at the end, Perplexity repeats its list on every chunk), so
each find is merged into the reply's list by address, and a source keeps its first
place: its number in the answer never changes once shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop.core.records.evidence import Citation, WebSource


class SourceIndex:
    """A reply's sources by address, and the places each is cited at: kept while it
    streams, so each find costs what it brings, not the whole list again."""

    def __init__(self, sources: list[WebSource]) -> None:
        self.by_url = {source.url: source for source in sources}
        self.places = {s.url: {(c.start, c.end) for c in s.cited} for s in sources}


def add_sources(
    sources: list[WebSource], found: Iterable[WebSource], index: SourceIndex | None = None
) -> None:
    """Merge ``found`` into ``sources``: a new address is appended, a known one gains
    the places it is now cited at (each once) and a title where it had none. ``index``
    (of ``sources``, kept up to date here) saves building one each time."""
    index = index or SourceIndex(sources)
    for new in found:
        kept = index.by_url.get(new.url)
        if kept is None:
            kept = WebSource(new.url, new.title, [], dict(new.extra))
            sources.append(kept)
            index.by_url[new.url] = kept
            index.places[new.url] = set()
        elif not kept.title:
            kept.title = new.title
        places = index.places[new.url]
        for citation in new.cited:
            if (citation.start, citation.end) not in places:
                places.add((citation.start, citation.end))
                kept.cited.append(Citation(citation.start, citation.end, dict(citation.extra)))


def cited_within(sources: list[WebSource], start: int, end: int) -> list[WebSource]:
    """The sources cited within characters ``start``..``end`` of the answer (for an
    excerpt), each with only the citations that fall within it, moved to the excerpt's
    own offsets."""
    out = []
    for source in sources:
        inside = [
            Citation(c.start - start, c.end - start)
            for c in source.cited
            if start <= c.start and c.end <= end
        ]
        if inside:
            out.append(WebSource(source.url, source.title, inside, dict(source.extra)))
    return out


def marker_places(text: str, sources: list[WebSource]) -> list[tuple[int, list[int]]]:
    """Where the answer's citation markers go: after each cited range, the numbers (from
    1) of the sources cited there, in text order. A range past the text's end (a
    stranger's numbers) is marked at its end."""
    places: dict[int, set[int]] = {}
    for number, source in enumerate(sources, 1):
        for citation in source.cited:
            places.setdefault(min(max(citation.end, 0), len(text)), set()).add(number)
    return sorted((at, sorted(numbers)) for at, numbers in places.items())


# The most numbers written at one place; the rest are counted ("[+9,995]").
MAX_MARKS_AT_ONE_PLACE = 5


def with_markers(text: str, sources: list[WebSource]) -> str:
    """The answer with ``[n]`` after each place it cites source n."""
    pieces, last = [], 0
    for at, numbers in marker_places(text, sources):
        marks = "".join(f"[{n}]" for n in numbers[:MAX_MARKS_AT_ONE_PLACE])
        more = len(numbers) - MAX_MARKS_AT_ONE_PLACE
        pieces += [text[last:at], marks + (f"[+{more:,}]" if more > 0 else "")]
        last = at
    return "".join([*pieces, text[last:]])


def source_line(number: int, source: WebSource) -> str:
    """One source as a line of plain text: "[2] Its title — https://…"."""
    title = " ".join(source.title.split())
    return f"[{number}] {title} — {source.url}" if title else f"[{number}] {source.url}"


def sources_summary(sources: list[WebSource]) -> str:
    """How many of an answer's sources it cites: "2 cited", "1 of 3 cited"."""
    cited, total = sum(1 for s in sources if s.cited), len(sources)
    if cited == total:
        return f"{total:,} cited"
    return f"{total:,} searched, none cited" if not cited else f"{cited:,} of {total:,} cited"
