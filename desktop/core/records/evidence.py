"""What a reply rests on besides its text: the web pages it cites and where, the
provider's seals on its thinking, and the settings it was asked with (plain data, as
every record)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Citation:
    """Where an answer cites a source: characters ``start`` to ``end`` of its text."""

    start: int
    end: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class WebSource:
    """A web page an answer rests on, as the provider named it: its address and title
    (a stranger's words, shown as such) and where the answer cites it (none: the seat
    searched it, or cited it without saying where). Its number in the answer is its
    place in the reply's list, from 1; what else the provider said of it is in
    ``extra``."""

    url: str
    title: str = ""
    cited: list[Citation] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReasoningBlock:
    """A provider's own seal on a stretch of thinking, kept as it gave it: Anthropic signs
    its thinking (``signature``) or sends it encrypted (``kind`` "redacted_thinking",
    its ``data``), and takes it back only so. The thought's text is the reply's
    ``reasoning``; this keeps what cannot be made again from it."""

    kind: str
    signature: str | None = None
    data: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SentWith:
    """The settings a reply was asked with, as they were then (a seat's may change
    later): the model and where it was sent, and the request's parameters."""

    model: str
    api_base: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    reasoning_effort: str | None = None
    web_search: bool = False
    search_context: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
