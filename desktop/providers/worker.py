"""The provider worker: the gateway in a child process, spoken to in JSON lines.

Run as ``python -m desktop.providers.worker``. It imports and warms litellm at start
(on its own core, while the window paints), then reads requests from stdin::

    {"op": "start", "id": REPLY_ID, "request": {...ReplyRequest...}}
    {"op": "cancel", "id": REPLY_ID}
    {"op": "shutdown"}

and writes events to stdout, one JSON object a line: ``{"type": "ready"}`` once warm,
then ``{"id": REPLY_ID, "event": {...}}``. Text deltas are coalesced per reply every
~20 ms, so a fast stream costs the window a few dozen messages a second, not hundreds.
Anything a library prints goes to stderr, never into the protocol.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
from collections.abc import Callable
from contextlib import aclosing
from typing import Any

from desktop.core.events import Event, Failed, ReplyRequest, TextDelta, event_to_dict
from desktop.core.model import ErrorKind
from desktop.providers import litellm_runtime
from desktop.providers.gateway import LiteLLMGateway

COALESCE_SECONDS = 0.02
MAX_LINE = 256 * 1024 * 1024


class DeltaCoalescer:
    """Merges text deltas per reply and flushes them on a short timer.

    Any other event for a reply first flushes that reply's pending text, so the order
    of events is kept.
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
        self._pending: dict[str, list[str]] = {}
        self._timer: asyncio.TimerHandle | None = None

    def emit(self, reply_id: str, event: Event) -> None:
        if isinstance(event, TextDelta):
            self._pending.setdefault(reply_id, []).append(event.text)
            if self._timer is None:
                self._timer = self._loop.call_later(self._interval, self.flush_all)
            return
        self.flush(reply_id)
        self._write(reply_id, event)

    def flush(self, reply_id: str) -> None:
        parts = self._pending.pop(reply_id, None)
        if parts:
            self._write(reply_id, TextDelta("".join(parts)))

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
        self._blobs: dict[str, bytes] = {}  # attachment bytes by sha256, sent once each
        self._coalescer = DeltaCoalescer(self._write_event, asyncio.get_running_loop())

    def _send(self, message: dict[str, Any]) -> None:
        self._out.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")

    def _write_event(self, reply_id: str, event: Event) -> None:
        self._send({"id": reply_id, "event": event_to_dict(event)})

    async def serve(self, reader: asyncio.StreamReader) -> None:
        await _warm_up()
        self._send({"type": "ready", "pid": os.getpid()})
        while line := await reader.readline():
            message = json.loads(line)
            op = message.get("op")
            if op == "blob":
                self._blobs[message["sha256"]] = base64.b64decode(message["data"])
            elif op == "start":
                try:
                    request = ReplyRequest.from_dict(message["request"], self._blobs)
                except KeyError as exc:
                    failed = Failed(
                        ErrorKind.INTERNAL, f"An attachment's bytes never arrived ({exc})."
                    )
                    self._write_event(message["id"], failed)
                    continue
                self._tasks[request.reply_id] = asyncio.create_task(self._run(request))
            elif op == "cancel":
                task = self._tasks.get(message["id"])
                if task is not None:
                    task.cancel()
            elif op == "shutdown":
                break
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        await self._gateway.aclose()

    async def _run(self, request: ReplyRequest) -> None:
        try:
            async with aclosing(self._gateway.stream(request)) as events:
                async for event in events:
                    self._coalescer.emit(request.reply_id, event)
        except Exception as exc:
            # Every reply ends with Finished or Failed: without one, the window's pane
            # would wait for ever.
            message = f"Unexpected error in the provider worker: {type(exc).__name__}: {exc}"
            self._coalescer.emit(request.reply_id, Failed(ErrorKind.INTERNAL, message))
        finally:
            self._coalescer.flush(request.reply_id)
            self._tasks.pop(request.reply_id, None)


async def _main() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_LINE)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    # The protocol gets the real stdout; fd 1 becomes stderr so stray prints can't corrupt it.
    protocol_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    transport, _ = await loop.connect_write_pipe(asyncio.Protocol, protocol_out)
    try:
        await Worker(transport, LiteLLMGateway()).serve(reader)
    finally:
        transport.close()


def main() -> int:
    """Entry point of ``python -m desktop.providers.worker``."""
    try:
        asyncio.run(_main())
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
