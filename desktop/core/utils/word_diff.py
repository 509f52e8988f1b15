"""Two texts compared word by word, for reading two answers side by side.

Words, spaces and punctuation are the units (difflib's SequenceMatcher over them), so a
changed word shows as that word, not as its line. Each side gets its own pieces: the
left marks what only it has as removed, the right what only it has as added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

_UNITS = re.compile(r"\s+|\w+|[^\w\s]")


class Change(StrEnum):
    SAME = "same"
    REMOVED = "removed"  # only on the left
    ADDED = "added"  # only on the right


@dataclass(frozen=True)
class Piece:
    text: str
    change: Change


@dataclass(frozen=True)
class WordDiff:
    left: list[Piece]
    right: list[Piece]
    similarity: float  # 0..1, difflib's ratio over the units


def word_diff(left: str, right: str) -> WordDiff:
    """``left`` and ``right`` in pieces, each marked same, removed or added."""
    a, b = _UNITS.findall(left), _UNITS.findall(right)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    out_left: list[Piece] = []
    out_right: list[Piece] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            out_left.append(Piece("".join(a[a0:a1]), Change.SAME))
            out_right.append(Piece("".join(b[b0:b1]), Change.SAME))
            continue
        if a1 > a0:
            out_left.append(Piece("".join(a[a0:a1]), Change.REMOVED))
        if b1 > b0:
            out_right.append(Piece("".join(b[b0:b1]), Change.ADDED))
    return WordDiff(out_left, out_right, matcher.ratio())
