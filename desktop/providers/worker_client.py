"""The window's gateway: the same interface as LiteLLMGateway, served by the worker.

The client starts ``python -m desktop.providers.worker``, waits for it to be warm, and
routes each reply's events to its own stream. If the worker dies, every reply in flight
fails with a clear message (the engine keeps the text that arrived) and a fresh worker
is started, so the next send works.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections import deque
from collections.abc import AsyncGenerator, Iterable, Mapping
from typing import Any

from desktop.core.blobs import base64_of
from desktop.core.events import (
    Event,
    Failed,
    Finished,
    ReplyRequest,
    event_from_dict,
)
from desktop.core.model import Attachment, ErrorKind

MAX_LINE = 256 * 1024 * 1024


class _Process:
    """One running worker process and the replies it is serving."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.streams: dict[str, asyncio.Queue[Event]] = {}
        self.ready = asyncio.Event()
        self.alive = True
        self.was_ready = False
        self.stderr_tail: deque[str] = deque(maxlen=20)
        self.tasks: list[asyncio.Task[None]] = []
        self.sent_blobs: set[str] = set()  # attachment bytes this process already has

    def send(self, message: dict[str, Any]) -> None:
        stdin = self.proc.stdin
        if self.alive and stdin is not None and not stdin.is_closing():
            stdin.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")

    def send_blobs(self, attachments: Iterable[Attachment]) -> None:
        """Give the worker each attachment's bytes once (by sha256).

        Requests then name the files instead of carrying them: encoding a 30 MB file
        into every request line, for every seat and again in every later turn (the
        history), froze the window for half a second per seat. The line is written in
        pieces (base64 needs no JSON escaping), so it is never built as one string.
        """
        stdin = self.proc.stdin
        for attachment in attachments:
            if attachment.sha256 in self.sent_blobs:
                continue
            if not self.alive or stdin is None or stdin.is_closing():
                return
            stdin.write(b'{"op": "blob", "sha256": "' + attachment.sha256.encode("ascii"))
            stdin.write(b'", "data": "')
            stdin.write(base64_of(attachment))
            stdin.write(b'"}\n')
            self.sent_blobs.add(attachment.sha256)


class WorkerGateway:
    """A gateway whose replies stream from the provider worker process."""

    def __init__(
        self, command: list[str] | None = None, env: Mapping[str, str] | None = None
    ) -> None:
        self._command = command or [sys.executable, "-m", "desktop.providers.worker"]
        self._env = dict(env) if env is not None else None
        self._worker: _Process | None = None
        self._starting: asyncio.Task[_Process] | None = None
        self._closing = False
        self.restarts = 0

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Start the worker (if it is not running) without waiting for it to be warm."""
        await self._process()

    async def wait_ready(self) -> bool:
        """Wait until the worker is warm; False if it died first."""
        worker = await self._process()
        await worker.ready.wait()
        return worker.alive

    @property
    def is_ready(self) -> bool:
        return self._worker is not None and self._worker.alive and self._worker.ready.is_set()

    @property
    def pid(self) -> int | None:
        """The worker's process id, while one runs."""
        return self._worker.proc.pid if self._worker is not None and self._worker.alive else None

    async def _process(self) -> _Process:
        if self._worker is not None and self._worker.alive:
            return self._worker
        if self._starting is None or self._starting.done():
            self._starting = asyncio.ensure_future(self._spawn())
        return await asyncio.shield(self._starting)

    async def _spawn(self) -> _Process:
        env = dict(os.environ if self._env is None else self._env)
        proc = await asyncio.create_subprocess_exec(
            *self._command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            limit=MAX_LINE,
        )
        worker = _Process(proc)
        worker.tasks = [
            asyncio.ensure_future(self._read_events(worker)),
            asyncio.ensure_future(self._read_stderr(worker)),
        ]
        self._worker = worker
        return worker

    async def aclose(self) -> None:
        """Ask the worker to finish (it closes its connections), then reap it."""
        self._closing = True
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
        worker, self._worker = self._worker, None
        if worker is None:
            return
        worker.send({"op": "shutdown"})
        if worker.proc.stdin is not None:
            worker.proc.stdin.close()
        try:
            await asyncio.wait_for(worker.proc.wait(), 5)
        except TimeoutError:
            worker.proc.kill()
            await worker.proc.wait()
        for task in worker.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- reading -------------------------------------------------------------------------

    async def _read_events(self, worker: _Process) -> None:
        stdout = worker.proc.stdout
        assert stdout is not None
        while line := await stdout.readline():
            message = json.loads(line)
            if message.get("type") == "ready":
                worker.was_ready = True
                worker.ready.set()
                continue
            queue = worker.streams.get(message.get("id", ""))
            if queue is not None:
                queue.put_nowait(event_from_dict(message["event"]))
        code = await worker.proc.wait()
        self._died(worker, code)

    async def _read_stderr(self, worker: _Process) -> None:
        stderr = worker.proc.stderr
        assert stderr is not None
        while line := await stderr.readline():
            worker.stderr_tail.append(line.decode("utf-8", "replace").rstrip())

    def _died(self, worker: _Process, code: int) -> None:
        worker.alive = False
        worker.ready.set()
        message = (
            f"The provider worker stopped unexpectedly (exit code {code}). "
            "The text that arrived is kept; retry to ask again."
        )
        for queue in worker.streams.values():
            queue.put_nowait(Failed(ErrorKind.INTERNAL, message))
        if self._worker is worker and not self._closing:
            self._worker = None
            # Restart at once only a worker that had worked, so a broken install does
            # not spin; otherwise the next send tries again.
            if worker.was_ready:
                self.restarts += 1
                self._starting = asyncio.ensure_future(self._spawn())

    # -- streaming -----------------------------------------------------------------------

    async def stream(self, request: ReplyRequest) -> AsyncGenerator[Event, None]:
        """Yield the reply's events from the worker (the send waits until it is warm)."""
        worker = await self._process()
        await worker.ready.wait()
        if not worker.alive:
            tail = worker.stderr_tail[-1] if worker.stderr_tail else "no output"
            yield Failed(ErrorKind.INTERNAL, f"The provider worker could not start ({tail}).")
            return
        queue: asyncio.Queue[Event] = asyncio.Queue()
        worker.streams[request.reply_id] = queue
        worker.send_blobs(request.attachments)
        worker.send(
            {"op": "start", "id": request.reply_id, "request": request.to_dict(with_bytes=False)}
        )
        ended = False
        try:
            while True:
                event = await queue.get()
                ended = isinstance(event, Finished | Failed)
                yield event
                if ended:
                    return
        finally:
            worker.streams.pop(request.reply_id, None)
            if not ended:
                worker.send({"op": "cancel", "id": request.reply_id})
