"""What changed in a session document, as typed objects.

The document reports every change to its listeners as one of these, and each screen
updates only what the change names: a new turn is appended to each pane it targets, a
retry adds one reply, a streaming reply redraws its tail. Only :class:`SessionReplaced`
and :class:`SeatsChanged` mean "draw everything again".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from desktop.core.records.model import Reply, Turn


@dataclass(frozen=True)
class SessionReplaced:
    """A new, opened or recovered session took the place of the previous one."""


@dataclass(frozen=True)
class SeatsChanged:
    """Seats were added, removed, reordered or edited."""


@dataclass(frozen=True)
class TurnAdded:
    """A turn was appended, with a waiting reply for each seat it targets."""

    turn: Turn


@dataclass(frozen=True)
class ReplyAdded:
    """A reply was added to an existing turn (a retry); it supersedes the seat's last."""

    turn: Turn
    reply: Reply


class ReplyPart(StrEnum):
    """What of a reply a change touched, so a screen redraws only that."""

    STATUS = "status"  # waiting, streaming, complete, stopped, failed (and its error)
    TEXT = "text"  # the answer
    REASONING = "reasoning"  # the thinking, or its seals
    SOURCES = "sources"
    NUMBERS = "numbers"  # usage, cost, times, the model that answered
    DELIVERIES = "deliveries"  # how its attachments went


EVERY_PART = frozenset(ReplyPart)


@dataclass(frozen=True)
class ReplyChanged:
    """Parts of a reply changed: ``parts`` says which."""

    turn: Turn
    reply: Reply
    parts: frozenset[ReplyPart] = EVERY_PART


@dataclass(frozen=True)
class StateChanged:
    """Whether the document is dirty, busy or read-only, or its path, changed."""


@dataclass(frozen=True)
class Saved:
    """The session was written to ``path``."""

    path: Path


@dataclass(frozen=True)
class AnnotationsChanged:
    """The annotations on one reply, turn or seat were added, changed or removed."""

    target_id: str


@dataclass(frozen=True)
class VotesChanged:
    """The author voted on a turn's answers, or took a vote back (a blind turn's first
    vote reveals who answered it)."""

    turn_id: str


@dataclass(frozen=True)
class PostChanged:
    """The post (its title, subtitle or blocks) was edited."""


@dataclass(frozen=True)
class SessionFactsChanged:
    """The session's tags or budget were edited."""


@dataclass(frozen=True)
class Problem:
    """Something went wrong that the user should read (a save failed, a warning)."""

    message: str


Change = (
    SessionReplaced | SeatsChanged | TurnAdded | ReplyAdded | ReplyChanged | StateChanged | Saved
    | AnnotationsChanged | VotesChanged | PostChanged | SessionFactsChanged | Problem
)  # fmt: skip
Listener = Callable[[Change], None]
