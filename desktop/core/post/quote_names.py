"""Quotes in commentary as the writer edits them: ``[words](quote 1)``, no ids.

The post stores a quote as ``[words](roundtable:reply/ID?start=S&end=E)`` (see
``post_plan``). In the editor each distinct target is shown by a number instead, the
same number for as long as the editor lives, so the text under her cursor never
changes when the post is stored and shown again.
"""

from __future__ import annotations

import re

from desktop.core.records.post_blocks import QUOTE_LINK_PREFIX

_STORED = re.compile(r"\]\((" + re.escape(QUOTE_LINK_PREFIX) + r"[^\s)]+)\)")
_SHOWN = re.compile(r"\]\(quote (\d{1,9})\)")


class QuoteNames:
    """Numbers for quote targets, one editor's worth; stored ↔ shown Markdown."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._targets: dict[int, str] = {}

    def name(self, target: str) -> str:
        """``quote N`` for ``target``: a number it keeps."""
        number = self._numbers.get(target)
        if number is None:
            number = self._numbers[target] = len(self._numbers) + 1
            self._targets[number] = target
        return f"quote {number}"

    def shown(self, stored: str) -> str:
        """The stored Markdown with each quote's target replaced by its name."""
        return _STORED.sub(lambda m: f"]({self.name(m[1])})", stored)

    def stored(self, shown: str) -> str:
        """The edited Markdown with each known name back to its target; a number this
        editor never gave out is left as typed."""

        def target(match: re.Match[str]) -> str:
            found = self._targets.get(int(match[1]))
            return f"]({found})" if found is not None else match[0]

        return _SHOWN.sub(target, shown)
