"""Every event that crosses from the worker to the window, written and read by one
declared codec per type.

The worker is a process of ours, but what it forwards comes from a provider: a wrong
type let through here would crash later, in the totals the window paints or in the
session file it saves. So each event type's fields are declared once, with the kind of
value each must hold, and the same declaration writes the event on the worker's side
and reads and checks it on the window's (the transcript's field kinds and codecs, so a
source or a seal is checked the way a saved one is).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from desktop.core.records.events import (
    Channel,
    Delivered,
    Event,
    Failed,
    Finished,
    ReasoningSealed,
    SourcesFound,
    Started,
    TextDelta,
    UsageReport,
)
from desktop.core.records.model import ErrorKind
from desktop.core.transcript.codec import Choice, Codec, Document, Field, Kind, Objects, Scalar
from desktop.core.transcript.errors import DocumentProblem
from desktop.core.transcript.fields import DELIVERY, REASONING_BLOCK, WEB_SOURCE

TEXT = Scalar((str,), "a string", required=True)
OPT_TEXT = Scalar((str,), "a string")


class Bounded(Scalar):
    """A count or an amount, or null: a number within what any real reply reports (a
    bool, a NaN or a 10^30 would break the totals the window adds up)."""

    def __init__(self, types: tuple[type, ...], what: str, most: float) -> None:
        super().__init__(types, what)
        self.most = most

    def read(self, data: Document, key: str, where: str) -> Any:
        value = super().read(data, key, where)
        # An int is compared as it is: 10**400 is no float (math.isfinite would raise).
        finite = isinstance(value, int) or (value is not None and math.isfinite(value))
        if value is not None and not (finite and 0 <= value < self.most):
            raise DocumentProblem(f"{where}.{key} is not {self.what}")
        return value


COUNT = Bounded((int,), "a count", 10**15)
AMOUNT = Bounded((int, float), "an amount", 1e12)


class Tuple(Kind):
    """A list of objects of one type, held as a tuple (events are frozen)."""

    def __init__(self, codec: Codec[Any]) -> None:
        self.objects = Objects(codec)

    def write(self, value: tuple[Any, ...]) -> list[Document]:
        return self.objects.write(list(value))

    def read(self, data: Document, key: str, where: str) -> tuple[Any, ...]:
        return tuple(self.objects.read(data, key, where))


@dataclass(frozen=True)
class EventCodec:
    """One event type: the ``type`` it is tagged with and its fields, in order."""

    name: str
    make: type[Event]
    fields: tuple[Field, ...] = ()

    def encode(self, event: Event) -> Document:
        values = {f.key: f.kind.write(getattr(event, f.attribute)) for f in self.fields}
        return {"type": self.name, **values}

    def decode(self, data: Document) -> Event:
        where = f"a {self.name} event"
        return self.make(**{f.attribute: f.kind.read(data, f.key, where) for f in self.fields})


CODECS = (
    EventCodec("delivered", Delivered, (Field("deliveries", Tuple(DELIVERY)),)),
    EventCodec("started", Started),
    EventCodec("delta", TextDelta, (Field("text", TEXT), Field("channel", Choice(Channel)))),
    EventCodec("sealed", ReasoningSealed, (Field("blocks", Tuple(REASONING_BLOCK)),)),
    EventCodec("sources", SourcesFound, (Field("sources", Tuple(WEB_SOURCE)),)),
    EventCodec(
        "usage",
        UsageReport,
        (
            Field("prompt_tokens", COUNT),
            Field("completion_tokens", COUNT),
            Field("cost_usd", AMOUNT),
            Field("reasoning_tokens", COUNT),
            Field("web_searches", COUNT),
            Field("search_fee_usd", AMOUNT),
        ),
    ),
    EventCodec(
        "finished",
        Finished,
        (Field("finish_reason", OPT_TEXT), Field("model_reported", OPT_TEXT)),
    ),
    EventCodec(
        "failed",
        Failed,
        (Field("kind", Choice(ErrorKind)), Field("message", TEXT), Field("retry_after", AMOUNT)),
    ),
)
_BY_NAME = {codec.name: codec for codec in CODECS}
_BY_TYPE = {codec.make: codec for codec in CODECS}


def encode(event: Event) -> Document:
    """A JSON-ready form of an event, tagged with its type."""
    return _BY_TYPE[type(event)].encode(event)


def checked_event(data: object) -> Event:
    """The event ``data`` (a parsed JSON object) stands for, every field checked;
    ValueError saying what is wrong otherwise."""
    if not isinstance(data, dict):
        raise ValueError("an event that is not an object")
    kind = data.get("type")
    codec = _BY_NAME.get(kind) if isinstance(kind, str) else None
    if codec is None:
        raise ValueError("an event of an unknown type")
    try:
        return codec.decode(data)
    except DocumentProblem as exc:
        raise ValueError(str(exc)) from None
