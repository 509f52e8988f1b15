"""What a gateway is asked for and what it answers: typed stream events.

The engine talks to one async interface, :class:`Gateway`, with two implementations
in ``desktop.providers``: in-process (litellm in this process; the CLI and tests) and
worker-backed (a child process; the window). Everything here is plain data, so it can
cross a process boundary as JSON.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from desktop.core.model import ErrorKind

Message = dict[str, Any]


@dataclass(frozen=True)
class ReplyRequest:
    """One reply to stream: the seat's model settings and the exact messages it is sent."""

    reply_id: str
    seat_label: str
    model: str
    messages: list[Message]
    api_base: str | None = None
    api_key_env: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReplyRequest:
        return cls(**data)


@dataclass(frozen=True)
class Started:
    """The provider accepted the request and the stream is open."""


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class UsageReport:
    """Token counts and cost; None where the provider or the cost map does not say."""

    prompt_tokens: int | None
    completion_tokens: int | None
    cost_usd: float | None


@dataclass(frozen=True)
class Finished:
    finish_reason: str | None = None
    model_reported: str | None = None


@dataclass(frozen=True)
class Failed:
    """The reply failed; text that arrived before stays with the reply."""

    kind: ErrorKind
    message: str
    retry_after: float | None = None


Event = Started | TextDelta | UsageReport | Finished | Failed

_EVENT_TYPES: dict[str, type[Event]] = {
    "started": Started,
    "delta": TextDelta,
    "usage": UsageReport,
    "finished": Finished,
    "failed": Failed,
}
_EVENT_NAMES = {cls: name for name, cls in _EVENT_TYPES.items()}


def event_to_dict(event: Event) -> dict[str, Any]:
    """A JSON-ready form of an event, tagged with its type."""
    return {"type": _EVENT_NAMES[type(event)], **asdict(event)}


def event_from_dict(data: dict[str, Any]) -> Event:
    """The inverse of :func:`event_to_dict`; raises ValueError on an unknown type."""
    fields = dict(data)
    cls = _EVENT_TYPES.get(fields.pop("type", None))
    if cls is None:
        raise ValueError(f"unknown event type in {data!r}")
    if cls is Failed:
        fields["kind"] = ErrorKind(fields["kind"])
    return cls(**fields)


class Gateway(Protocol):
    """Streams replies; one async generator per reply, ending with Finished or Failed.

    Closing the generator early (or cancelling the task iterating it) closes the
    provider connection at once.
    """

    def stream(self, request: ReplyRequest) -> AsyncGenerator[Event, None]: ...

    async def aclose(self) -> None: ...
