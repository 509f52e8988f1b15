"""Reading the ranking a seat ends a peer review with, robustly and never by guessing.

A peer-review round asks each seat to rank the others' anonymised answers and to end
with a ``FINAL RANKING:`` line, then the responses from best to worst. Models write it
sloppily (bold, numbered or bulleted lines, "Response **B**", "C > A > B" on one line,
notes after a name), so the reader takes what is clearly a ranking and names what is
wrong otherwise: a ranking it cannot read is shown as such, never made up. A stranger's
text: only its end is read, and a ranking is only ever letters the round gave out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RANKING_MARK = "FINAL RANKING:"
# How the request asks for it (the reader also takes the sloppier forms above).
RANKING_INSTRUCTION = (
    f"End your answer with a line that says exactly {RANKING_MARK} and then the responses "
    "from best to worst, one per line, as `1. Response B`. Rank every response listed, "
    "each once."
)
# A ranking is read from at most this many characters after the last mark.
MAX_READ = 4_000
_MARK = re.compile(r"final\s+ranking\s*:?", re.IGNORECASE)
_NAME = re.compile(r"\bresponse\s*[*_`]*\s*([A-Z])\b", re.IGNORECASE)
_INLINE = re.compile(r"^[\s*_`]*([A-Z])[\s*_`]*(?:(?:>|,|;|→)[\s*_`]*([A-Z])[\s*_`]*)+$")


@dataclass(frozen=True)
class RankingRead:
    """A ranking read from an answer: ``order`` best first, or None with ``problem``."""

    order: tuple[str, ...] | None
    problem: str | None = None


def read_ranking(answer: str, letters: set[str]) -> RankingRead:
    """The ranking at the end of ``answer`` of exactly the responses ``letters`` (each
    once), or what keeps it from being read."""
    marks = list(_MARK.finditer(answer))
    if not marks:
        return RankingRead(None, f"no “{RANKING_MARK}” line")
    tail = answer[marks[-1].end() : marks[-1].end() + MAX_READ]
    order: list[str] = []
    for line in tail.splitlines():
        found = _letters_in(line)
        if not found:
            if order and line.strip():
                break  # the ranking's lines are over; what follows is more prose
            continue
        order += found
        if len(order) >= len(letters):
            break
    if not order:
        return RankingRead(None, "the ranking names no response")
    unknown = sorted(set(order) - letters)
    if unknown:
        return RankingRead(None, f"the ranking names Response {unknown[0]}, which it was not given")
    repeated = sorted({letter for letter in order if order.count(letter) > 1})
    if repeated:
        return RankingRead(None, f"the ranking names Response {repeated[0]} twice")
    missing = sorted(letters - set(order))
    if missing:
        names = ", ".join(f"Response {m}" for m in missing)
        return RankingRead(None, f"the ranking leaves out {names}")
    return RankingRead(tuple(order))


def _letters_in(line: str) -> list[str]:
    """The responses a line of the ranking names, in order: "2. Response C (solid)" is
    C; "C > A > B" is C, A, B."""
    named = [m.upper() for m in _NAME.findall(line)]
    if named:
        return named
    inline = line.strip().strip(".")
    if _INLINE.match(inline.upper()):
        return re.findall(r"[A-Z]", inline.upper())
    bare = re.fullmatch(r"\s*(?:\d+[.)]|[-*•])?\s*[*_`]*([A-Za-z])[*_`]*\.?\s*", line)
    return [bare.group(1).upper()] if bare else []


def borda(rankings: list[tuple[str, ...]]) -> dict[str, int]:
    """Borda count over rankings of the same responses (some may rank fewer: a seat
    never ranks its own): in a ranking of n, the first gets n - 1 points, the last 0."""
    points: dict[str, int] = {}
    for order in rankings:
        for place, letter in enumerate(order):
            points[letter] = points.get(letter, 0) + len(order) - 1 - place
    return dict(sorted(points.items(), key=lambda item: (-item[1], item[0])))
