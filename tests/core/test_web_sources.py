"""A reply's sources: merged as they arrive, chosen for an excerpt, marked in the text."""

from __future__ import annotations

from desktop.core.evidence.web_sources import (
    MAX_MARKS_AT_ONE_PLACE,
    add_sources,
    cited_within,
    sources_summary,
    with_markers,
)
from desktop.core.records.evidence import Citation, WebSource


def test_a_source_found_again_keeps_its_place_and_gains_citations_once() -> None:
    sources: list[WebSource] = []
    add_sources(sources, [WebSource("https://a"), WebSource("https://b", "B")])
    add_sources(sources, [WebSource("https://a", "A", [Citation(0, 4)])])
    add_sources(sources, [WebSource("https://a", "Other", [Citation(0, 4), Citation(5, 9)])])
    assert [(s.url, s.title) for s in sources] == [("https://a", "A"), ("https://b", "B")]
    assert [(c.start, c.end) for c in sources[0].cited] == [(0, 4), (5, 9)]
    assert sources_summary(sources) == "1 of 2 cited"


def test_an_excerpt_keeps_only_the_sources_cited_within_it_in_its_own_offsets() -> None:
    sources = [
        WebSource("https://a", cited=[Citation(0, 5)]),
        WebSource("https://b", cited=[Citation(6, 12), Citation(20, 25)]),
        WebSource("https://c"),
    ]
    [kept] = cited_within(sources, 6, 13)
    assert kept.url == "https://b"
    assert [(c.start, c.end) for c in kept.cited] == [(0, 6)]


def test_markers_go_after_each_cited_range_bounded_at_one_place() -> None:
    text = "One. Two."
    sources = [WebSource(f"https://{i}", cited=[Citation(0, 4)]) for i in range(8)]
    sources.append(WebSource("https://late", cited=[Citation(5, 9), Citation(-3, 10**9)]))
    marked = with_markers(text, sources)
    shown = "".join(f"[{n}]" for n in range(1, MAX_MARKS_AT_ONE_PLACE + 1))
    assert marked == f"One.{shown}[+3] Two.[9]"
