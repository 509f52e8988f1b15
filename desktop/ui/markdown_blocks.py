"""Where a streaming Markdown text can be cut into finished blocks and an open tail.

Qt-free, so it is tested on its own. A block is finished once a blank line follows it
outside a fenced code block: nothing later can change how it renders (setext headings
and lazy continuation need no blank line, so they stay in the tail until one comes).
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def finished_length(text: str, start: int = 0) -> int:
    """The length of the longest prefix of ``text`` made of finished blocks.

    ``start`` must itself be a finished-block boundary (0, or an earlier result).
    """
    fence: str | None = None
    boundary = start
    position = start
    for line in text[start:].splitlines(keepends=True):
        position += len(line)
        if not line.endswith("\n"):
            break  # the last line is still being written
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
            elif not line.strip():
                boundary = position
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            fence = None
    return boundary
