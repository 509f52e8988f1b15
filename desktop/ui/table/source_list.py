"""A reply's web sources as the pane lists them under the answer.

Titles and addresses are a stranger's words: shown as plain text with direction
overrides made visible, each address written out in full, so what opens is what is
read. Only an http(s) address with nothing hidden in it is a link (clicked, it opens
in the system browser, as every link of the pane does; nothing is ever fetched by the
app); ``javascript:``, ``file:`` and any other scheme stay text. A reply with thousands
of sources lists the first :data:`MAX_LISTED` and says how many more there are.
"""

from __future__ import annotations

import html

from desktop.core.evidence.web_sources import sources_summary
from desktop.core.records.evidence import WebSource
from desktop.core.utils.visible_text import linkable
from desktop.ui.utils.shown import shown

MAX_LISTED = 50
MAX_TITLE = 200  # characters of a title shown


def sources_html(sources: list[WebSource]) -> str:
    """The list as the pane's HTML: a heading line, then "[n] address — title" lines."""
    lines = [f"🔎 Sources ({html.escape(sources_summary(sources))}):"]
    for number, source in enumerate(sources[:MAX_LISTED], 1):
        address = html.escape(shown(source.url), quote=True)
        if linkable(source.url):
            address = f'<a href="{address}">{address}</a>'
        title = " ".join(shown(source.title).split())
        if len(title) > MAX_TITLE:
            title = title[: MAX_TITLE - 1] + "…"
        cited = "" if source.cited else " (searched, not cited)"
        lines.append(f"[{number}] {address}{' — ' if title else ''}{html.escape(title)}{cited}")
    hidden = len(sources) - MAX_LISTED
    if hidden > 0:
        lines.append(
            f"… and {hidden:,} more, not listed here (all are kept with the answer; "
            "<code>roundtable show</code> prints them)"
        )
    return "<br>".join(lines)
