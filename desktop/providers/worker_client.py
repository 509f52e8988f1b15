"""The window's gateway: the same interface as LiteLLMGateway, served by the worker.

The client starts ``python -m desktop.providers.worker``, waits for it to be warm, and
routes each reply's events to its own stream; the messages and limits are in
``desktop.providers.protocol``. If the worker dies, or writes anything that breaks the
protocol (a line that is not JSON, an unknown message, a line or a reply over its
limit), every reply in flight fails at once with a clear message (the engine keeps the
text that arrived) and a fresh worker is started, so the next send works. The worker's
stderr is read in chunks and only its last :data:`STDERR_KEPT` bytes are kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
from collections import OrderedDict
from collections.abc import AsyncGenerator, Iterable, Mapping

from desktop import self_command
from desktop.core.attachments import MB, human_size
from desktop.core.records.blobs import base64_of
from desktop.core.records.events import (
    Channel,
    Event,
    Failed,
    Finished,
    ReplyRequest,
    SourcesFound,
    TextDelta,
)
from desktop.core.records.model import Attachment, ErrorKind
from desktop.providers import keys, protocol

# What is kept of the worker's stderr, for the message when it cannot start.
STDERR_KEPT = 64 * 1024

_BROKE = (
    "The provider worker sent something it should not ({reason}); it was restarted. "
    "The text that arrived is kept; retry to ask again."
)
_DIED = (
    "The provider worker stopped unexpectedly (exit code {code}). "
    "The text that arrived is kept; retry to ask again."
)


class _Reply:
    """One reply being streamed: its events, and how much text came on each channel (to
    cap it)."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[Event] = asyncio.Queue()
        self.chars = dict.fromkeys(Channel, 0)
        self.sources = 0


class _Process:
    """One running worker process and the replies it is serving."""

    def __init__(self, proc: asyncio.subprocess.Process, blob_budget: int) -> None:
        self.proc = proc
        self.replies: dict[str, _Reply] = {}
        self.ready = asyncio.Event()
        self.alive = True
        self.was_ready = False
        self.stderr_tail = bytearray()
        self.tasks: list[asyncio.Task[None]] = []
        # Attachment bytes the worker holds (sha256 → size), least recently used first.
        self.blobs: OrderedDict[str, int] = OrderedDict()
        self.blob_budget = blob_budget
        self.stats_asked: dict[int, asyncio.Future[protocol.WorkerStats]] = {}

    def write(self, chunks: Iterable[bytes]) -> None:
        stdin = self.proc.stdin
        if self.alive and stdin is not None and not stdin.is_closing():
            for chunk in chunks:
                stdin.write(chunk)

    def send_blobs(self, attachments: Iterable[Attachment]) -> None:
        """Give the worker the attachments' bytes it lacks, by sha256, within the budget.

        Requests then name the files instead of carrying them: encoding a 30 MB file
        into every request line, for every seat and again in every later turn (the
        history), froze the window for half a second per seat. Past the budget, the
        worker is told to forget the least recently used files these do not need (it
        gets them again if a later request does).
        """
        needed = {a.sha256: a for a in attachments}
        for sha256 in needed.keys() & self.blobs.keys():
            self.blobs.move_to_end(sha256)
        new = [a for sha256, a in needed.items() if sha256 not in self.blobs]
        held = sum(self.blobs.values()) + sum(a.size for a in new)
        forget = []
        for sha256, size in list(self.blobs.items()):
            if held <= self.blob_budget:
                break
            if sha256 not in needed:
                forget.append(sha256)
                del self.blobs[sha256]
                held -= size
        if forget:
            self.write(protocol.Forget(tuple(forget)).chunks())
        for attachment in new:
            self.write(protocol.Blob(attachment.sha256, base64_of(attachment)).chunks())
            self.blobs[attachment.sha256] = attachment.size

    def last_words(self) -> str:
        """The last line the worker wrote on stderr, cut short, for a message."""
        lines = bytes(self.stderr_tail).decode("utf-8", "replace").strip().splitlines()
        last = lines[-1] if lines else "no output"
        return last if len(last) <= 300 else last[:297] + "..."


class WorkerGateway:
    """A gateway whose replies stream from the provider worker process.

    ``command`` runs the worker (tests point it at a stand-in); ``blob_budget`` is how
    many bytes of attachments the worker keeps between requests.
    """

    def __init__(
        self,
        command: list[str] | None = None,
        env: Mapping[str, str] | None = None,
        blob_budget: int = protocol.BLOB_BUDGET,
    ) -> None:
        self._command = command or self_command.command(self_command.WORKER)
        self._env = dict(env) if env is not None else None
        self._blob_budget = blob_budget
        self._worker: _Process | None = None
        self._starting: asyncio.Task[_Process] | None = None
        self._closing = False
        self._stats_ids = itertools.count()
        self.restarts = 0
        self.team_gateway: str | None = None  # the app's setting, for every window (Gateway)

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
        """Whether a worker runs and is warm."""
        return self._worker is not None and self._worker.alive and self._worker.ready.is_set()

    @property
    def pid(self) -> int | None:
        """The worker's process id, while one runs."""
        return self._worker.proc.pid if self._worker is not None and self._worker.alive else None

    @property
    def stderr_tail(self) -> str:
        """The end of what the running worker wrote on stderr (at most STDERR_KEPT bytes)."""
        tail = self._worker.stderr_tail if self._worker is not None else b""
        return bytes(tail).decode("utf-8", "replace")

    def use_key(self, provider: str, key: str | None) -> None:
        """Hand the worker a key for this session only (and every worker started after
        it); it lives in memory here and there, never on disk."""
        keys.use_session_key(provider, key)  # here too: where keys come from, for the window
        if self._worker is not None and self._worker.alive:
            self._worker.write(protocol.UseKey(provider, key).chunks())

    def keep_only(self, sha256s: set[str]) -> None:
        """Tell the worker to forget every attachment's bytes but these."""
        worker = self._worker
        if worker is None or not worker.alive:
            return
        forget = tuple(sha for sha in worker.blobs if sha not in sha256s)
        if forget:
            for sha256 in forget:
                del worker.blobs[sha256]
            worker.write(protocol.Forget(forget).chunks())

    async def stats(self) -> protocol.WorkerStats:
        """What the worker holds now: attachment bytes kept, replies streaming.

        Raises ConnectionError when the worker is not running or ends before answering.
        """
        worker = await self._process()
        await worker.ready.wait()
        if not worker.alive:
            raise ConnectionError(f"the provider worker is not running ({worker.last_words()})")
        request_id = next(self._stats_ids)
        answer: asyncio.Future[protocol.WorkerStats] = asyncio.get_running_loop().create_future()
        worker.stats_asked[request_id] = answer
        worker.write(protocol.Stats(request_id).chunks())
        return await answer

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
            limit=protocol.MAX_LINE,
        )
        worker = _Process(proc, self._blob_budget)
        for provider, key in keys.session_keys().items():  # before any reply starts
            worker.write(protocol.UseKey(provider, key).chunks())
        worker.tasks = [
            asyncio.ensure_future(self._read_messages(worker)),
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
        worker.write(protocol.Shutdown().chunks())
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

    async def _read_messages(self, worker: _Process) -> None:
        stdout = worker.proc.stdout
        assert stdout is not None
        try:
            while (line := await protocol.read_line(stdout)) is not None:
                self._take(worker, protocol.parse_message(line))
        except protocol.ProtocolError as exc:
            self._broke(worker, str(exc))
        except Exception as exc:  # whatever it was, no reply may wait forever
            self._broke(worker, f"a message the window could not take ({type(exc).__name__})")
        code = await worker.proc.wait()
        self._ended(worker, _DIED.format(code=code))

    def _broke(self, worker: _Process, reason: str) -> None:
        # Fail the replies first (the user sees it at once), then make sure it is gone.
        self._ended(worker, _BROKE.format(reason=reason))
        with contextlib.suppress(ProcessLookupError):
            worker.proc.kill()

    def _take(self, worker: _Process, message: protocol.Message) -> None:
        if isinstance(message, protocol.Ready):
            worker.was_ready = True
            worker.ready.set()
        elif isinstance(message, protocol.WorkerStats):
            answer = worker.stats_asked.pop(message.request_id, None)
            if answer is not None and not answer.done():
                answer.set_result(message)
        else:
            reply = worker.replies.get(message.reply_id)
            if reply is None:  # a reply that was stopped; its last events are late
                return
            if isinstance(message.event, TextDelta):
                channel = message.event.channel
                reply.chars[channel] += len(message.event.text)
                if reply.chars[channel] > protocol.MAX_CHARS[channel]:
                    raise protocol.ProtocolError(
                        f"a reply's {channel.value} over {protocol.MAX_CHARS[channel]:,} characters"
                    )
            elif isinstance(message.event, SourcesFound):
                reply.sources += len(message.event.sources)
                if reply.sources > protocol.MAX_SOURCES:
                    raise protocol.ProtocolError(
                        f"a reply with over {protocol.MAX_SOURCES:,} sources"
                    )
            reply.events.put_nowait(message.event)

    async def _read_stderr(self, worker: _Process) -> None:
        stderr = worker.proc.stderr
        assert stderr is not None
        # In chunks, never by line: one endless line must neither fill memory nor stop
        # the reading (a worker blocked on a full stderr pipe would hang every reply).
        while chunk := await stderr.read(STDERR_KEPT):
            worker.stderr_tail += chunk
            del worker.stderr_tail[:-STDERR_KEPT]

    def _ended(self, worker: _Process, message: str) -> None:
        """Fail what the worker was doing and start another; only once per worker."""
        if not worker.alive:
            return
        worker.alive = False
        worker.ready.set()
        for reply in worker.replies.values():
            reply.events.put_nowait(Failed(ErrorKind.INTERNAL, message))
        for answer in worker.stats_asked.values():
            if not answer.done():
                answer.set_exception(ConnectionError(message))
        worker.stats_asked.clear()
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
            yield Failed(
                ErrorKind.INTERNAL, f"The provider worker could not start ({worker.last_words()})."
            )
            return
        too_big = _too_big(request.attachments)
        if too_big is not None:
            yield too_big
            return
        try:
            start = protocol.Start.of(request).chunks()
        except protocol.LineTooLong as exc:
            yield Failed(
                ErrorKind.CONTEXT_TOO_LONG,
                f"This conversation is too long to send: {human_size(exc.size)} of messages, "
                f"over the {protocol.MAX_LINE // MB} MB one request may be.",
            )
            return
        reply = worker.replies[request.reply_id] = _Reply()
        worker.send_blobs(request.attachments)
        worker.write(start)
        ended = False
        try:
            while True:
                event = await reply.events.get()
                ended = isinstance(event, Finished | Failed)
                yield event
                if ended:
                    return
        finally:
            worker.replies.pop(request.reply_id, None)
            if not ended:
                worker.write(protocol.Cancel(request.reply_id).chunks())


def _too_big(attachments: Iterable[Attachment]) -> Failed | None:
    """The failure for a file too big to cross to the worker, or None."""
    for attachment in attachments:
        if attachment.size > protocol.MAX_BLOB_BYTES:
            return Failed(
                ErrorKind.BAD_REQUEST,
                f"{attachment.name} is {human_size(attachment.size)}; no file over "
                f"{protocol.MAX_BLOB_BYTES // MB} MB can be sent (a session saved by an "
                "earlier release may hold one).",
            )
    return None
