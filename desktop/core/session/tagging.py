"""The session's tags: what she files it under, for the library's filter.

Typed as one line, separated by commas; kept trimmed, without duplicates (whatever
their case), each at most ``MAX_LENGTH`` characters and at most ``MAX_TAGS`` of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.core.records.changes import SessionFactsChanged

if TYPE_CHECKING:
    from desktop.core.session.document import SessionDocument

MAX_TAGS = 20
MAX_LENGTH = 40


def parse_tags(typed: str) -> list[str]:
    """The tags in ``typed`` (comma- or line-separated), cleaned up."""
    tags: dict[str, str] = {}
    for part in typed.replace("\n", ",").split(","):
        tag = " ".join(part.split())[:MAX_LENGTH]
        if tag and tag.casefold() not in tags:
            tags[tag.casefold()] = tag
    return list(tags.values())[:MAX_TAGS]


def set_tags(document: SessionDocument, tags: list[str]) -> None:
    """Make ``tags`` the session's tags (the document is then unsaved)."""
    document.session.tags = list(tags)
    document.edited(SessionFactsChanged())
