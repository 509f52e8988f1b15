"""Debate orchestration: send turns to seats, stream every reply concurrently.

The engine owns no I/O of its own: it builds each seat's messages (see
``conversation``), asks a :class:`~desktop.core.events.Gateway` for the reply stream,
and records events on the session's :class:`Reply` objects as they arrive. One seat
failing, hanging or being stopped never delays or breaks another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from contextlib import aclosing

from desktop.core import conversation
from desktop.core.attachments.limits import DEFAULT_LIMITS, AttachmentLimits, check_turn_size
from desktop.core.events import (
    Delivered,
    Failed,
    Finished,
    Gateway,
    ReplyRequest,
    Started,
    TextDelta,
    UsageReport,
)
from desktop.core.model import (
    Attachment,
    ErrorKind,
    Quote,
    Reply,
    ReplyError,
    ReplyStatus,
    Session,
    Turn,
    TurnKind,
    Usage,
    now,
)

ChangeListener = Callable[[Turn, Reply], None]


class Engine:
    """Runs a session's turns against a gateway and keeps the session up to date."""

    def __init__(
        self,
        session: Session,
        gateway: Gateway,
        on_change: ChangeListener | None = None,
        limits: AttachmentLimits = DEFAULT_LIMITS,
    ) -> None:
        self.session = session
        self.gateway = gateway
        self.limits = limits
        self._on_change = on_change
        self._tasks: dict[str, asyncio.Task[None]] = {}

    # -- building turns ------------------------------------------------------------------

    def _targets(self, targets: Iterable[str] | None) -> list[str]:
        known = [seat.id for seat in self.session.active_seats]
        chosen = known if targets is None else list(dict.fromkeys(targets))
        unknown = [t for t in chosen if t not in known]
        if unknown:
            raise ValueError(f"no seat with id {unknown[0]!r} in this session")
        if not chosen:
            raise ValueError("a turn needs at least one target seat")
        return chosen

    def add_turn(
        self,
        kind: TurnKind,
        text: str,
        targets: Iterable[str] | None = None,
        quotes: Iterable[Quote] = (),
        attachments: Iterable[Attachment] = (),
    ) -> Turn:
        """Append a turn with a waiting reply per target seat; run it with :meth:`run`.

        Attachments (checked files, see ``desktop.core.attachments``) are kept in the
        session once; a turn over the per-turn size limit raises AttachmentError and
        nothing is added.
        """
        files = list(attachments)
        check_turn_size(files, self.limits)
        turn = Turn(kind=kind, text=text, targets=self._targets(targets), quotes=list(quotes))
        turn.attachment_ids = list(dict.fromkeys(self._keep(a).id for a in files))
        turn.replies = [Reply(seat_id=seat_id) for seat_id in turn.targets]
        self.session.turns.append(turn)
        self.session.updated_at = now()
        return turn

    def _keep(self, attachment: Attachment) -> Attachment:
        """The session's record of this file: an earlier one with the same bytes and
        name if there is one (the same file attached again), else this one, added."""
        for kept in self.session.attachments:
            if kept.sha256 == attachment.sha256 and kept.name == attachment.name:
                return kept
        self.session.attachments.append(attachment)
        return attachment

    # -- sending -------------------------------------------------------------------------

    async def send(
        self,
        text: str,
        targets: Iterable[str] | None = None,
        attachments: Iterable[Attachment] = (),
    ) -> Turn:
        """Send a prompt (first turn) or a follow-up, with files, to all seats or to some."""
        kind = conversation.kind_for_new_turn(self.session)
        turn = self.add_turn(kind, text, targets, attachments=attachments)
        await self.run(turn)
        return turn

    async def forward(
        self,
        reply_id: str,
        targets: Iterable[str],
        instruction: str = conversation.DEFAULT_FORWARD_INSTRUCTION,
        excerpt: str | None = None,
    ) -> Turn:
        """Send one seat's reply (or an excerpt) to other seats, with the user's words."""
        quote = conversation.forward_quote(self.session, reply_id, excerpt)
        turn = self.add_turn(TurnKind.FORWARD, instruction, targets, [quote])
        await self.run(turn)
        return turn

    def add_debate_round(
        self,
        targets: Iterable[str] | None = None,
        instruction: str = conversation.DEFAULT_DEBATE_INSTRUCTION,
    ) -> Turn:
        """Append a debate round: each target seat gets the other seats' latest answers."""
        chosen = self._targets(targets)
        quotes = conversation.latest_quotes(self.session, [s.id for s in self.session.active_seats])
        for seat_id in chosen:
            if not any(q.seat_id != seat_id for q in quotes):
                label = self.session.seat(seat_id).label
                raise ValueError(f"a debate round needs another seat's answer to show {label}")
        return self.add_turn(TurnKind.DEBATE_ROUND, instruction, chosen, quotes)

    async def debate_round(
        self,
        targets: Iterable[str] | None = None,
        instruction: str = conversation.DEFAULT_DEBATE_INSTRUCTION,
    ) -> Turn:
        """Run a debate round (see :meth:`add_debate_round`)."""
        turn = self.add_debate_round(targets, instruction)
        await self.run(turn)
        return turn

    async def retry(self, reply_id: str) -> Reply:
        """Ask the same seat again with exactly the same messages; the old reply is kept."""
        turn, old = self.session.find_reply(reply_id)
        if not old.status.is_final:
            raise ValueError("that reply is still streaming")
        reply = Reply(seat_id=old.seat_id, retry_of=old.id)
        turn.replies.append(reply)
        await self._gather([self._start(turn, reply)])
        return reply

    async def run(self, turn: Turn) -> None:
        """Stream every waiting reply of ``turn`` at once; returns when all have ended."""
        pending = [r for r in turn.replies if r.status is ReplyStatus.WAITING]
        await self._gather([self._start(turn, reply) for reply in pending])

    def request_for(self, turn: Turn, reply: Reply) -> ReplyRequest:
        """What the gateway is asked for this reply: the seat's settings and messages."""
        seat = self.session.seat(reply.seat_id)
        messages = conversation.messages_for(self.session, seat.id, turn)
        return ReplyRequest(
            reply_id=reply.id,
            seat_label=seat.label,
            model=seat.model,
            messages=messages,
            api_base=seat.api_base,
            api_key_env=seat.api_key_env,
            temperature=seat.temperature,
            max_tokens=seat.max_tokens,
            attachments=tuple(
                self.session.attachment(a) for a in conversation.attachment_ids_in(messages)
            ),
            vision=seat.vision,
            pdf=seat.pdf,
        )

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
        return any(not task.done() for task in self._tasks.values())

    # -- streaming -----------------------------------------------------------------------

    def _start(self, turn: Turn, reply: Reply) -> asyncio.Task[None]:
        # The request is built before any reply starts, so concurrent replies in the
        # same turn never see each other's partial text.
        request = self.request_for(turn, reply)
        task = asyncio.ensure_future(self._stream(turn, reply, request))
        self._tasks[reply.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(reply.id, None))
        return task

    async def _gather(self, tasks: list[asyncio.Task[None]]) -> None:
        # return_exceptions: a reply stopped on its own must not end the others' wait.
        await asyncio.gather(*tasks, return_exceptions=True)

    def _changed(self, turn: Turn, reply: Reply) -> None:
        self.session.updated_at = now()
        if self._on_change is not None:
            self._on_change(turn, reply)

    async def _stream(self, turn: Turn, reply: Reply, request: ReplyRequest) -> None:
        reply.status = ReplyStatus.WAITING
        reply.started_at = now()
        self._changed(turn, reply)
        try:
            async with aclosing(self.gateway.stream(request)) as events:
                async for event in events:
                    self._apply(reply, event)
                    self._changed(turn, reply)
            if not reply.status.is_final:
                self._fail(reply, ErrorKind.NETWORK, "The answer ended before it was finished.")
        except asyncio.CancelledError:
            reply.status = ReplyStatus.STOPPED
            raise
        except Exception as exc:  # a gateway bug must not take the other seats down
            self._fail(reply, ErrorKind.INTERNAL, f"Unexpected error: {type(exc).__name__}: {exc}")
        finally:
            reply.finished_at = now()
            self._changed(turn, reply)

    def _apply(self, reply: Reply, event: object) -> None:
        match event:
            case Delivered(deliveries=deliveries):
                reply.deliveries = list(deliveries)
            case Started():
                pass
            case TextDelta(text=text):
                if reply.first_token_at is None:
                    reply.first_token_at = now()
                    reply.status = ReplyStatus.STREAMING
                reply.text += text
            case UsageReport(prompt_tokens=p, completion_tokens=c, cost_usd=cost):
                reply.usage = Usage(p, c)
                reply.cost_usd = cost
            case Finished(model_reported=model):
                reply.model_reported = model
                reply.status = ReplyStatus.COMPLETE
            case Failed(kind=kind, message=message, retry_after=wait):
                self._fail(reply, kind, message, wait)

    @staticmethod
    def _fail(reply: Reply, kind: ErrorKind, message: str, wait: float | None = None) -> None:
        reply.status = ReplyStatus.ERROR
        reply.error = ReplyError(kind, message, wait)
