"""The post: how a session becomes what the author publishes (see docs/transcript.md).

An ordered list of blocks: her commentary (Markdown), the attribution line, and one
section per assistant in her order, each a list of exchanges and how each shows. The
post only points into the session (seats, turns, replies by id); it never changes the
record of what was sent and answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from desktop.core.utils.stamps import new_id

# A quote woven into commentary is a Markdown link to this, with the reply's id and
# the quoted range: [words](roundtable:reply/ID?start=S&end=E).
QUOTE_LINK_PREFIX = "roundtable:reply/"


class ItemShow(StrEnum):
    """How one exchange shows in the post."""

    PROMPT = "prompt"  # the prompt alone
    ANSWER = "answer"  # the prompt and the whole answer
    EXCERPT = "excerpt"  # the prompt and the answer's characters start..end
    CARD = "card"  # the prompt and the answer as a picture


@dataclass
class PostItem:
    """One exchange of a section: a turn, and the seat's reply to it."""

    turn_id: str
    reply_id: str | None = None  # None: the seat's current reply to the turn
    prompt: str | None = None  # None: the turn's text as sent; else a display edit
    show: ItemShow = ItemShow.ANSWER
    start: int | None = None
    end: int | None = None
    # Whether the answer's reasoning shows too (folded, under it).
    reasoning: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class TextBlock:
    """The author's commentary, in Markdown."""

    markdown: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class AttributionBlock:
    """The "drafted with assistance from …" line; None: generated from the sections."""

    text: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SectionBlock:
    """One assistant's exchanges, under its name (or ``heading``) and ``reaction``."""

    seat_id: str
    id: str = field(default_factory=new_id)
    heading: str | None = None
    reaction: str | None = None
    items: list[PostItem] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScoreLine:
    """One model's line on a scoreboard, as it stood when the block was taken (see
    ``desktop.core.library.scoreboard``: a strength is None under its vote threshold)."""

    model: str
    label: str
    votes: int = 0
    wins: int = 0
    losses: int = 0
    ties: int = 0
    strength: float | None = None
    low: float | None = None
    high: float | None = None
    peer_rank: float | None = None
    stars: int = 0
    reactions: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScoreboardBlock:
    """Who has won so far, across the library, as it stood at ``taken_at`` (a post says
    what was true when it was written; the author takes it again to bring it up to date)."""

    lines: list[ScoreLine] = field(default_factory=list)
    taken_at: datetime | None = None
    tag: str | None = None  # the sessions it counted, when only some
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class UnknownBlock:
    """A block of a kind this release does not know (a newer Roundtable's): kept as it
    was read and written back unchanged; it can be moved or removed, not edited, and is
    left out of exports (which say so)."""

    kind: str
    data: dict[str, Any]  # the block as read, ``kind`` included


PostBlock = TextBlock | AttributionBlock | SectionBlock | ScoreboardBlock | UnknownBlock


@dataclass
class Post:
    """The post; no blocks means the default post (see ``post_plan``)."""

    title: str = ""
    subtitle: str = ""
    blocks: list[PostBlock] = field(default_factory=list)
    excluded_ids: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
