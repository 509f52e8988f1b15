"""Where a streaming Markdown text can be cut into finished blocks and an open tail.

Qt-free, so it is tested on its own. A block is finished once a blank line follows it
outside a fenced code block and the next line has begun without continuing it: not
indented, and not another item of the list the block belongs to (a blank line inside a
loose list does not end the list). Until then it stays in the tail and is redrawn.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}([-*+]|\d{1,9}[.)])(\s|$)")


def finished_length(text: str, start: int = 0) -> int:
    """The length of the longest prefix of ``text`` made of finished blocks.

    ``start`` must itself be a finished-block boundary (0, or an earlier result).
    """
    fence: str | None = None
    boundary = start
    position = start
    candidate: int | None = None  # just after a blank line, waiting for the next line
    in_list = False
    for line in text[start:].splitlines(keepends=True):
        if candidate is not None and line.strip():
            continues = line[0] in " \t" or (in_list and _LIST_ITEM.match(line) is not None)
            if not continues:
                boundary = candidate
                in_list = False
            candidate = None
        position += len(line)
        if not line.endswith("\n"):
            break  # the last line is still being written
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
            elif not line.strip():
                candidate = position
            elif _LIST_ITEM.match(line):
                in_list = True
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            fence = None
    return boundary
