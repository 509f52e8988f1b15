"""Where a streaming Markdown text can be cut into finished blocks and an open tail.

Qt-free, so it is tested on its own. A block is finished once a blank line follows it
outside a fenced code block and the next line has begun without continuing it: not
indented, and not another item of the list the block belongs to (a blank line inside a
loose list does not end the list). Until then it stays in the tail and is redrawn.
"""

from __future__ import annotations

import itertools
import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}([-*+]|\d{1,9}[.)])(\s|$)")


def finished_length(text: str, start: int = 0) -> int:
    """The length of the longest prefix of ``text`` made of finished blocks.

    ``start`` must itself be a finished-block boundary (0, or an earlier result).
    """
    return start + BlockScanner().finished_length(text[start:])


def split_blocks(text: str) -> list[str]:
    """``text`` cut into its blocks (the last one finished or not)."""
    scanner = BlockScanner()
    scanner.finished_length(text)
    cuts = [0, *scanner.ends, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(cuts) if b > a]


class BlockScanner:
    """:func:`finished_length` for one growing text, reading each line once.

    A streaming reply is asked about on every redraw; scanning it from its last finished
    block each time was quadratic in an unfinished block's length (a 5 MB line, an
    unclosed code fence). This keeps the state at the end of the last whole line read
    and reads only the lines completed since; the line still being written is looked at
    afresh each time (its first characters may yet turn it into a list item).
    """

    def __init__(self) -> None:
        self._read = 0  # characters of whole lines read
        self._fence: str | None = None
        self._boundary = 0
        self._candidate: int | None = None  # just after a blank line, waiting for more
        self._in_list = False
        self.ends: list[int] = []  # where each finished block ends, in order

    @property
    def in_fence(self) -> bool:
        """Whether the whole lines read end inside a fenced code block."""
        return self._fence is not None

    def finished_length(self, text: str) -> int:
        """Where the finished blocks of ``text`` end; ``text`` only ever grows between
        calls (a text that was replaced needs a new scanner)."""
        whole = max(text.rfind("\n", self._read) + 1, self._read)
        if whole > self._read:
            # Only "\n" ends a line here, as in the Markdown reader (not splitlines'
            # \u2028 and the like).
            for line in text[self._read : whole - 1].split("\n"):
                line += "\n"
                self._resolve(line)
                self._read += len(line)
                self._take(line)
        if self._candidate is not None:
            # Its start decides; the rest of a line megabytes long is not copied.
            partial = text[whole : whole + 256]
            if partial.strip() and not self._continues(partial):
                return self._candidate
        return self._boundary

    def _continues(self, line: str) -> bool:
        return line[0] in " \t" or (self._in_list and _LIST_ITEM.match(line) is not None)

    def _resolve(self, line: str) -> None:
        # A line after a blank one ends the block there, unless it continues it.
        if self._candidate is not None and line.strip():
            if not self._continues(line):
                self._boundary = self._candidate
                self.ends.append(self._boundary)
                self._in_list = False
            self._candidate = None

    def _take(self, line: str) -> None:
        match = _FENCE.match(line)
        if self._fence is None:
            if match:
                self._fence = match.group(1)
            elif not line.strip():
                self._candidate = self._read
            elif _LIST_ITEM.match(line):
                self._in_list = True
        elif (
            match
            and match.group(1)[0] == self._fence[0]
            and len(match.group(1)) >= len(self._fence)
        ):
            self._fence = None
