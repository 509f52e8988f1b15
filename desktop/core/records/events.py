"""What a gateway is asked for and what it answers: typed stream events.

The engine talks to one async interface, :class:`Gateway`, with two implementations
in ``desktop.providers``: in-process (litellm in this process; the CLI and tests) and
worker-backed (a child process; the window). Everything here is plain data, so it can
cross a process boundary as JSON.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, Protocol

from desktop.core.records.blobs import base64_of
from desktop.core.records.evidence import ReasoningBlock, WebSource
from desktop.core.records.model import Attachment, AttachmentKind, Delivery, ErrorKind

Message = dict[str, Any]

# A user message part that stands for an attachment of the request; the gateway turns
# it into what the seat's model takes (see desktop.providers.parts).
ATTACHMENT_PART = "roundtable_attachment"


def attachment_part(attachment_id: str) -> dict[str, str]:
    """The message part that stands for one attachment."""
    return {"type": ATTACHMENT_PART, "attachment_id": attachment_id}


@dataclass(frozen=True)
class ReplyRequest:
    """One reply to stream: the seat's model settings and the exact messages it is sent.

    Messages are in chat-completions form; a user message with attachments has a list
    of parts, where :func:`attachment_part` stands for each file and ``attachments``
    carries the files themselves (each once). ``vision`` and ``pdf`` are the seat's
    overrides (None: as litellm's model data says).
    """

    reply_id: str
    seat_label: str
    model: str
    messages: list[Message]
    api_base: str | None = None
    api_key_env: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    reasoning_effort: str | None = None
    # The team's LiteLLM proxy, from the user's settings (desktop.providers.routing).
    team_gateway: str | None = None
    attachments: tuple[Attachment, ...] = ()
    vision: bool | None = None
    pdf: bool | None = None
    # The seat searches the web for this answer (litellm's web_search_options).
    web_search: bool = False
    search_context: str | None = None  # "low", "medium", "high"; None: as the provider does

    def to_dict(self, with_bytes: bool = True) -> dict[str, Any]:
        """A JSON-ready form for the worker protocol: attachment bytes in base64, or
        left out (``with_bytes=False``) when the worker already has them by sha256."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["attachments"] = [_attachment_to_dict(a, with_bytes) for a in self.attachments]
        return data

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], blobs: Mapping[str, bytes] | None = None
    ) -> ReplyRequest:
        """The request back; attachments sent without bytes take them from ``blobs``
        (by sha256; KeyError when one is missing)."""
        fields_ = dict(data)
        fields_["attachments"] = tuple(
            _attachment_from_dict(a, blobs or {}) for a in fields_.get("attachments", ())
        )
        return cls(**fields_)


def _attachment_to_dict(a: Attachment, with_bytes: bool) -> dict[str, Any]:
    if not with_bytes:
        return a.facts()
    return {**a.facts(), "data": base64_of(a).decode("ascii")}


def _attachment_from_dict(data: dict[str, Any], blobs: Mapping[str, bytes]) -> Attachment:
    fields_ = dict(data)
    if "data" in fields_:
        fields_["data"] = base64.b64decode(fields_["data"])
    else:
        fields_["data"] = blobs[fields_["sha256"]]
    kind = fields_.pop("kind")
    return Attachment(**fields_, kind=None if kind is None else AttachmentKind(kind))


@dataclass(frozen=True)
class Delivered:
    """How each attachment of the request is sent to this seat; comes before Started."""

    deliveries: tuple[Delivery, ...]


@dataclass(frozen=True)
class Started:
    """The provider accepted the request and the stream is open."""


class Channel(StrEnum):
    """Which part of a reply a delta adds to: the answer, or the model's reasoning
    before it (its "thinking", never sent to another model)."""

    ANSWER = "answer"
    REASONING = "reasoning"


@dataclass(frozen=True)
class TextDelta:
    """More text of the reply, on its channel."""

    text: str
    channel: Channel = Channel.ANSWER


@dataclass(frozen=True)
class ReasoningSealed:
    """The provider's seals on the thinking of this reply (signatures, encrypted
    thinking), once the thinking is over."""

    blocks: tuple[ReasoningBlock, ...]


@dataclass(frozen=True)
class SourcesFound:
    """Web pages the answer rests on, new or newly cited: a source already found is
    named again by its ``url`` with the places it is now cited at."""

    sources: tuple[WebSource, ...]


@dataclass(frozen=True)
class UsageReport:
    """Token counts and cost; None where the provider or the cost map does not say.
    ``reasoning_tokens`` are the part of ``completion_tokens`` the model spent thinking."""

    prompt_tokens: int | None
    completion_tokens: int | None
    cost_usd: float | None
    reasoning_tokens: int | None = None
    web_searches: int | None = None
    search_fee_usd: float | None = None  # the part of ``cost_usd`` searching cost


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


Event = (
    Delivered | Started | TextDelta | ReasoningSealed | SourcesFound | UsageReport | Finished
    | Failed
)  # fmt: skip


class Gateway(Protocol):
    """Streams replies; one async generator per reply, ending with Finished or Failed.

    Closing the generator early (or cancelling the task iterating it) closes the
    provider connection at once.
    """

    # The team's LiteLLM proxy every seat without an address of its own goes through
    # (the user's setting, one for the app; None: straight to each provider).
    team_gateway: str | None

    def stream(self, request: ReplyRequest) -> AsyncGenerator[Event, None]: ...

    def keep_only(self, sha256s: set[str]) -> None:
        """Free any attachment bytes held for later requests but those named: the
        session that needed them is gone (a request that needs one again sends it)."""

    def use_key(self, provider: str, key: str | None) -> None:
        """Use ``key`` for ``provider`` until the app quits, never storing it (None: stop)."""

    async def aclose(self) -> None: ...
