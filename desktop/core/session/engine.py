"""Debate orchestration: stream every reply of a turn concurrently.

The engine owns no state of its own but the tasks it runs: it builds each seat's
messages (see ``conversation``), asks a :class:`~desktop.core.records.events.Gateway` for the
reply stream, and records events on the session's :class:`Reply` objects as they
arrive. Turns are built by ``turns`` and appended by the session document. One seat
failing, hanging or being stopped never delays or breaks another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from contextlib import aclosing
from typing import TYPE_CHECKING

from desktop.core.evidence.web_sources import SourceIndex, add_sources
from desktop.core.records.changes import ReplyPart
from desktop.core.records.events import (
    Channel,
    Delivered,
    Failed,
    Finished,
    Gateway,
    ReasoningSealed,
    ReplyRequest,
    SourcesFound,
    Started,
    TextDelta,
    UsageReport,
)
from desktop.core.records.evidence import SentWith
from desktop.core.records.model import (
    ErrorKind,
    Reply,
    ReplyError,
    ReplyStatus,
    Seat,
    Session,
    Turn,
    Usage,
)
from desktop.core.session import conversation
from desktop.core.utils.redaction import redact
from desktop.core.utils.stamps import now

if TYPE_CHECKING:
    from desktop.core.trust import Approvals

ChangeListener = Callable[[Turn, Reply, frozenset[ReplyPart]], None]


class Engine:
    """Runs turns against a gateway, recording what arrives on the replies."""

    def __init__(
        self,
        gateway: Gateway,
        on_change: ChangeListener | None = None,
        approvals: Approvals | None = None,
    ) -> None:
        """With ``approvals``, a seat whose endpoint or key variable is not approved
        sends nothing (its reply fails saying why); without, every seat is the user's."""
        self.gateway = gateway
        self._on_change = on_change
        self.approvals = approvals
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._told: dict[str, ReplyStatus] = {}  # each running reply's status as last said
        self._sources: dict[str, SourceIndex] = {}  # each running reply's, by its id

    def start(self, session: Session, turn: Turn) -> asyncio.Future[list[object]]:
        """Start streaming every waiting reply of ``turn`` at once; the future ends
        when all of them have. Replies already running are left alone."""
        pending = [
            reply
            for reply in turn.replies
            if reply.status is ReplyStatus.WAITING and reply.id not in self._tasks
        ]
        # Every request is built before any reply starts, so concurrent replies in the
        # same turn never see each other's partial text.
        requests = [
            (reply, request_for(session, turn, reply, self.gateway.team_gateway))
            for reply in pending
        ]
        for reply, request in requests:
            reply.sent_with = sent_with(request)
        tasks = [
            self._start(turn, reply, request, session.seat(reply.seat_id))
            for reply, request in requests
        ]
        # return_exceptions: a reply stopped on its own must not end the others' wait.
        return asyncio.gather(*tasks, return_exceptions=True)

    def check_free(self, session: Session, seat_ids: Iterable[str]) -> None:
        """Raise ValueError when one of the seats is still answering: a new turn for it
        would be asked without that answer, and its pane would show two at once."""
        wanted = set(seat_ids)
        for turn in reversed(session.turns):
            for reply in turn.replies:
                task = self._tasks.get(reply.id)
                if reply.seat_id in wanted and task is not None and not task.done():
                    label = session.seat(reply.seat_id).label
                    raise ValueError(f"{label} is still answering; wait for it or stop it first")

    # -- stopping ------------------------------------------------------------------------

    def stop(self, reply_id: str) -> bool:
        """Stop one streaming reply, keeping its text; False if it was not running."""
        task = self._tasks.get(reply_id)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    def stop_all(self) -> None:
        """Stop every streaming reply, keeping their text."""
        for reply_id in list(self._tasks):
            self.stop(reply_id)

    @property
    def busy(self) -> bool:
        """A reply is streaming (or about to)."""
        return any(not task.done() for task in self._tasks.values())

    def tasks(self) -> list[asyncio.Task[None]]:
        """The replies running now, as tasks (to wait for them)."""
        return list(self._tasks.values())

    # -- streaming -----------------------------------------------------------------------

    def _start(
        self, turn: Turn, reply: Reply, request: ReplyRequest, seat: Seat
    ) -> asyncio.Task[None]:
        refusal = self.approvals.refusal(seat) if self.approvals is not None else None
        task = asyncio.ensure_future(self._stream(turn, reply, request, refusal))
        self._tasks[reply.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(reply.id, None))
        return task

    def _changed(self, turn: Turn, reply: Reply, parts: frozenset[ReplyPart]) -> None:
        """Say what of ``reply`` changed; its status, whenever it differs from the last
        one said."""
        if self._told.get(reply.id) is not reply.status:
            self._told[reply.id] = reply.status
            parts |= {ReplyPart.STATUS}
        if self._on_change is not None and parts:
            self._on_change(turn, reply, parts)

    async def _stream(
        self, turn: Turn, reply: Reply, request: ReplyRequest, refusal: str | None
    ) -> None:
        reply.status = ReplyStatus.WAITING
        reply.started_at = now()
        self._told.pop(reply.id, None)  # a reply asked again says its status again
        self._changed(turn, reply, _NUMBERS)
        try:
            if refusal is not None:  # the gateway is never asked: no key leaves
                self._fail(reply, ErrorKind.BAD_REQUEST, refusal)
                return
            async with aclosing(self.gateway.stream(request)) as events:
                async for event in events:
                    self._changed(turn, reply, self._apply(reply, event))
            if not reply.status.is_final:
                self._fail(reply, ErrorKind.NETWORK, "The answer ended before it was finished.")
        except asyncio.CancelledError:
            reply.status = ReplyStatus.STOPPED
            raise
        except Exception as exc:  # a gateway bug must not take the other seats down
            detail = redact(f"{type(exc).__name__}: {exc}")
            self._fail(reply, ErrorKind.INTERNAL, f"Unexpected error: {detail}")
        finally:
            reply.finished_at = now()
            self._changed(turn, reply, _NUMBERS)
            self._told.pop(reply.id, None)
            self._sources.pop(reply.id, None)

    def _apply(self, reply: Reply, event: object) -> frozenset[ReplyPart]:
        """Record ``event`` on ``reply``; what of it changed (besides its status)."""
        match event:
            case Delivered(deliveries=deliveries):
                reply.deliveries = list(deliveries)
                return _DELIVERIES
            case Started():
                return frozenset()
            case TextDelta(text=text, channel=Channel.REASONING):
                if reply.reasoning_started_at is None:
                    reply.reasoning_started_at = now()
                    reply.status = ReplyStatus.STREAMING
                reply.reasoning += text
                return _REASONING
            case TextDelta(text=text):
                if reply.first_token_at is None:
                    reply.first_token_at = now()
                    reply.status = ReplyStatus.STREAMING
                reply.text += text
                return _TEXT
            case ReasoningSealed(blocks=blocks):
                reply.reasoning_blocks = list(blocks)
                return _REASONING
            case SourcesFound(sources=found):
                index = self._sources.setdefault(reply.id, SourceIndex(reply.sources))
                add_sources(reply.sources, found, index)
                return _SOURCES
            case UsageReport(
                prompt_tokens=p,
                completion_tokens=c,
                cost_usd=cost,
                reasoning_tokens=r,
                web_searches=searches,
                search_fee_usd=fee,
            ):
                reply.usage = Usage(p, c, r, searches, fee)
                reply.cost_usd = cost
                return _NUMBERS
            case Finished(finish_reason=why, model_reported=model):
                reply.model_reported = model
                reply.finish_reason = why
                reply.status = ReplyStatus.COMPLETE
                return _NUMBERS
            case Failed(kind=kind, message=message, retry_after=wait):
                self._fail(reply, kind, message, wait)
        return frozenset()

    @staticmethod
    def _fail(reply: Reply, kind: ErrorKind, message: str, wait: float | None = None) -> None:
        reply.status = ReplyStatus.ERROR
        reply.error = ReplyError(kind, message, wait)


_TEXT = frozenset({ReplyPart.TEXT})
_REASONING = frozenset({ReplyPart.REASONING})
_SOURCES = frozenset({ReplyPart.SOURCES})
_NUMBERS = frozenset({ReplyPart.NUMBERS})
_DELIVERIES = frozenset({ReplyPart.DELIVERIES})


def sent_with(request: ReplyRequest) -> SentWith:
    """The settings a request asks with, to keep with its reply."""
    return SentWith(
        model=request.model,
        api_base=request.api_base,
        temperature=request.temperature,
        max_tokens=request.max_tokens,
        reasoning_effort=request.reasoning_effort,
        web_search=request.web_search,
        search_context=request.search_context,
    )


def request_for(
    session: Session, turn: Turn, reply: Reply, team_gateway: str | None = None
) -> ReplyRequest:
    """What the gateway is asked for this reply: the seat's settings and messages."""
    seat = session.seat(reply.seat_id)
    messages = conversation.messages_for(session, seat.id, turn)
    return ReplyRequest(
        reply_id=reply.id,
        seat_label=seat.label,
        model=seat.model,
        messages=messages,
        api_base=seat.api_base,
        api_key_env=seat.api_key_env,
        temperature=seat.temperature,
        max_tokens=seat.max_tokens,
        reasoning_effort=seat.reasoning_effort,
        team_gateway=team_gateway,
        attachments=tuple(session.attachment(a) for a in conversation.attachment_ids_in(messages)),
        vision=seat.vision,
        pdf=seat.pdf,
        web_search=seat.web_search,
        search_context=seat.search_context,
    )
