"""The provider worker: the gateway in a child process, spoken to in JSON lines.

Run as ``python -m desktop.providers.worker``. It imports and warms litellm at start
(on its own core, while the window paints), then serves the ops the window writes to
its stdin and writes each reply's events to its stdout; every message and limit is in
``desktop.providers.protocol``. Text deltas are coalesced per reply every ~20 ms, so a
fast stream costs the window a few dozen messages a second, not hundreds; the answer
and the reasoning before it are coalesced and capped each on its own channel. Anything a
library prints goes to stderr, never into the protocol.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from contextlib import aclosing

from desktop.core.records.events import (
    Channel,
    Event,
    Failed,
    ReplyRequest,
    SourcesFound,
    TextDelta,
)
from desktop.core.records.model import ErrorKind
from desktop.core.utils.redaction import redact
from desktop.providers import keys, litellm_runtime, protocol
from desktop.providers.gateway import LiteLLMGateway

COALESCE_SECONDS = 0.02


class DeltaCoalescer:
    """Merges text deltas per reply and channel and flushes them on a short timer.

    Any other event for a reply, or a delta on its other channel, first flushes that
    reply's pending text, so the order of events is kept (a model that interleaves
    thinking and answering still costs one message per run of each, not per chunk).
    """

    def __init__(
        self,
        write: Callable[[str, Event], None],
        loop: asyncio.AbstractEventLoop,
        interval: float = COALESCE_SECONDS,
    ) -> None:
        self._write = write
        self._loop = loop
        self._interval = interval
        self._pending: dict[str, tuple[Channel, list[str]]] = {}
        self._timer: asyncio.TimerHandle | None = None

    def emit(self, reply_id: str, event: Event) -> None:
        """Write ``event`` for ``reply_id`` now, or hold it to merge if it is a delta."""
        if isinstance(event, TextDelta):
            pending = self._pending.get(reply_id)
            if pending is not None and pending[0] is not event.channel:
                self.flush(reply_id)
                pending = None
            if pending is None:
                self._pending[reply_id] = (event.channel, [event.text])
            else:
                pending[1].append(event.text)
            if self._timer is None:
                self._timer = self._loop.call_later(self._interval, self.flush_all)
            return
        self.flush(reply_id)
        self._write(reply_id, event)

    def flush(self, reply_id: str) -> None:
        """Write what is held for ``reply_id``."""
        pending = self._pending.pop(reply_id, None)
        if pending is not None and pending[1]:
            channel, parts = pending
            self._write(reply_id, TextDelta("".join(parts), channel))

    def flush_all(self) -> None:
        self._timer = None
        for reply_id in list(self._pending):
            self.flush(reply_id)


async def _warm_up() -> None:
    """Import litellm and make one mock streaming call so the first real one is quick."""
    litellm = await asyncio.to_thread(litellm_runtime.load)
    try:
        response = await litellm.acompletion(
            model="openai/gpt-4o-mini",
            messages=[{"role": "user", "content": "warm up"}],
            mock_response="ok",
            stream=True,
        )
        async for _ in response:
            pass
    except Exception as exc:  # warming is an optimisation; a failure here is not fatal
        print(f"roundtable worker: warm-up call failed: {exc!r}", file=sys.stderr)


class Worker:
    """Serves requests from the parent until shutdown or end of input."""

    def __init__(self, out: asyncio.WriteTransport, gateway: LiteLLMGateway) -> None:
        self._out = out
        self._gateway = gateway
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # Attachment bytes by sha256, sent once each; the window says when to forget them.
        self._blobs: dict[str, bytes] = {}
        self._blobs_received = 0
        self._coalescer = DeltaCoalescer(self._write_event, asyncio.get_running_loop())

    def _write_event(self, reply_id: str, event: Event) -> None:
        self._out.write(protocol.ReplyEvent(reply_id, event).line())

    async def serve(self, reader: asyncio.StreamReader) -> int:
        """Serve until shutdown or end of input; the exit status (2: a bad line came)."""
        await _warm_up()
        self._out.write(protocol.Ready(os.getpid()).line())
        status = 0
        try:
            while (line := await protocol.read_line(reader)) is not None:
                op = protocol.parse_op(line)
                if isinstance(op, protocol.Shutdown):
                    break
                self._handle(op)
        except protocol.ProtocolError as exc:
            # The window restarts a worker that exits: that fails its replies clearly.
            print(f"roundtable worker: the window sent {exc}; stopping", file=sys.stderr)
            status = 2
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        await self._gateway.aclose()
        return status

    def _handle(self, op: protocol.Op) -> None:
        if isinstance(op, protocol.Blob):
            self._blobs[op.sha256] = op.decoded()
            self._blobs_received += 1
        elif isinstance(op, protocol.Forget):
            for sha256 in op.sha256s:
                self._blobs.pop(sha256, None)
        elif isinstance(op, protocol.Start):
            try:
                request = op.reply_request(self._blobs)
            except protocol.MissingBlob as exc:
                failed = Failed(
                    ErrorKind.INTERNAL, f"An attachment's bytes never arrived ({exc.sha256})."
                )
                self._write_event(op.reply_id, failed)
                return
            self._tasks[op.reply_id] = asyncio.create_task(self._run(op.reply_id, request))
        elif isinstance(op, protocol.Cancel):
            task = self._tasks.get(op.reply_id)
            if task is not None:
                task.cancel()
        elif isinstance(op, protocol.UseKey):
            keys.use_session_key(op.provider, op.key)
        elif isinstance(op, protocol.Stats):
            stats = protocol.WorkerStats(
                request_id=op.request_id,
                blobs=len(self._blobs),
                blob_bytes=sum(len(data) for data in self._blobs.values()),
                blobs_received=self._blobs_received,
                replies=len(self._tasks),
            )
            self._out.write(stats.line())

    async def _run(self, reply_id: str, request: ReplyRequest) -> None:
        chars = dict.fromkeys(Channel, 0)
        sources = 0
        try:
            # Leaving this block (the end, the length cap, a cancel) closes the stream.
            async with aclosing(self._gateway.stream(request)) as events:
                async for event in events:
                    if isinstance(event, TextDelta):
                        room = protocol.MAX_CHARS[event.channel] - chars[event.channel]
                        if len(event.text) > room:
                            kept = TextDelta(event.text[:room], event.channel)
                            self._coalescer.emit(reply_id, kept)
                            self._coalescer.emit(reply_id, _too_long(event.channel))
                            return
                        chars[event.channel] += len(event.text)
                    elif isinstance(event, SourcesFound):
                        # Past the bound, further sources are dropped: the answer goes on.
                        room = max(0, protocol.MAX_SOURCES - sources)
                        if room < len(event.sources):
                            event = SourcesFound(event.sources[:room])
                        sources += len(event.sources)
                        if not event.sources:
                            continue
                    self._coalescer.emit(reply_id, event)
        except Exception as exc:
            # Every reply ends with Finished or Failed: without one, the window's pane
            # would wait for ever.
            detail = redact(f"{type(exc).__name__}: {exc}")
            message = f"Unexpected error in the provider worker: {detail}"
            self._coalescer.emit(reply_id, Failed(ErrorKind.INTERNAL, message))
        finally:
            self._coalescer.flush(reply_id)
            self._tasks.pop(reply_id, None)


def _too_long(channel: Channel) -> Failed:
    what = "reply" if channel is Channel.ANSWER else "reasoning"
    return Failed(
        ErrorKind.PROVIDER_ERROR,
        f"The {what} passed {protocol.MAX_CHARS[channel]:,} characters, the most Roundtable "
        f"takes for one {what}, and was stopped there. The text so far is kept.",
    )


async def _main() -> int:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=protocol.MAX_LINE)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    # The protocol gets the real stdout; fd 1 becomes stderr so stray prints can't corrupt it.
    protocol_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    transport, _ = await loop.connect_write_pipe(asyncio.Protocol, protocol_out)
    try:
        return await Worker(transport, LiteLLMGateway()).serve(reader)
    finally:
        transport.close()


def main() -> int:
    """Entry point of ``python -m desktop.providers.worker``."""
    try:
        return asyncio.run(_main())
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
