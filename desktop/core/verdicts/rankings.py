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
    entries: list[tuple[int | None, str]] = []
    for line in tail.splitlines():
        read = _line(line)
        if isinstance(read, str):
            return RankingRead(None, read)
        if not read:
            if entries and line.strip():
                break  # the ranking's lines are over; what follows is more prose
            continue  # a blank line, or prose before the list
        entries += read
        if len(entries) >= len(letters):
            break
    if not entries:
        return RankingRead(None, "the ranking names no response")
    numbers = [n for n, _ in entries if n is not None]
    if numbers:
        if len(numbers) != len(entries) or sorted(numbers) != list(range(1, len(entries) + 1)):
            return RankingRead(None, "the ranking's numbers do not run from 1, each once")
        entries.sort(key=lambda entry: entry[0] or 0)
    order = [letter for _, letter in entries]
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


# A line of the list: an optional number or bullet, then the response, then perhaps a
# note: "2. **Response C** (solid)", "- Response A — the best", "1) B".
_ENTRY = re.compile(
    r"^\s*(?:(\d{1,3})\s*[.):]|[-*•])?\s*[*_`]*\s*"
    r"(?:(?P<named>response)\s*[*_`]*\s*)?(?P<letter>[A-Za-z])\b[*_`.]*(?P<rest>.*)$",
    re.IGNORECASE,
)
_CHAIN_SPLIT = re.compile(r"\s*(?:>|,|;|→)\s*")
_TIE = re.compile(r"\s(?:=|~)\s|\btied?\b", re.IGNORECASE)


def _line(line: str) -> list[tuple[int | None, str]] | str:
    """One line after the mark: its entries (number or None, letter), none for prose,
    or what makes the ranking unreadable (a tie, two responses in one entry)."""
    text = line.strip()
    if not text:
        return []
    chain = _CHAIN_SPLIT.split(text.strip("."))
    if len(chain) > 1:
        letters = [_one(piece) for piece in chain]
        if all(letters):
            return [(None, str(letter)) for letter in letters]
    if _TIE.search(text) and len(_NAME.findall(text)) > 1:
        return "the ranking holds a tie, not an order"
    match = _ENTRY.match(text)
    if match is None:
        return []
    marked = match.group(1) is not None or text[:1] in "-*•"
    named = match.group("named") is not None
    if not named and not match.group("letter").isupper():
        return []
    rest = match.group("rest").strip()
    # Without a number or bullet, a name is an entry only on its own or with a note
    # after a dash or in brackets: "Response C was weakest, so:" is prose.
    if not marked and rest and not rest.startswith(("(", "—", "–", "-", ":", "[")):
        return []
    if not marked and not named and rest:
        return []
    if _NAME.search(rest):
        return "a line of the ranking names two responses"
    number = int(match.group(1)) if match.group(1) is not None else None
    return [(number, match.group("letter").upper())]


def _one(piece: str) -> str | None:
    """The response a piece of a one-line ranking names ("C", "Response C"), if it is
    only that."""
    found = re.fullmatch(r"[*_`\s]*(?:response\s*)?[*_`]*([A-Za-z])[*_`\s]*", piece, re.IGNORECASE)
    return found.group(1).upper() if found is not None else None


def borda(rankings: list[tuple[str, ...]]) -> dict[str, float]:
    """Borda points over rankings of the same responses, per ranking a response is in:
    in a ranking of n, the first gets n - 1 points, the last 0, and each response gets
    the average of its points (a seat never ranks its own, and a ranking that could not
    be read is left out, so responses are in different numbers of rankings)."""
    points: dict[str, list[int]] = {}
    for order in rankings:
        for place, letter in enumerate(order):
            points.setdefault(letter, []).append(len(order) - 1 - place)
    averaged = {letter: round(sum(got) / len(got), 2) for letter, got in points.items()}
    return dict(sorted(averaged.items(), key=lambda item: (-item[1], item[0])))
