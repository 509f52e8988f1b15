"""The provider worker process and its client."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
import pytest_asyncio

from desktop.core.attachments import attachment_from_bytes
from desktop.core.records.events import Failed, Finished, TextDelta, UsageReport
from desktop.core.records.model import ErrorKind, ReplyStatus, Session
from desktop.core.session.document import SessionDocument
from desktop.providers import protocol
from desktop.providers.worker import DeltaCoalescer
from desktop.providers.worker_client import WorkerGateway
from tests import attachment_files as files
from tests.conftest import PYTHON, ROOT, seat_for, subprocess_env
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.providers.helpers import bare_worker, collect, request_for, text_of
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def worker() -> AsyncIterator[WorkerGateway]:
    gateway = WorkerGateway(env=subprocess_env())
    yield gateway
    await gateway.aclose()


async def test_a_send_before_the_worker_is_warm_waits_for_it(fake: FakeProviderServer) -> None:
    cold = WorkerGateway(env=subprocess_env())  # its own: the module's may be warm already
    try:
        await cold.start()
        assert not cold.is_ready, "litellm takes seconds to import; the worker cannot be warm yet"
        events = await collect(cold, request_for("openai/m", fake.api_base("openai")))
        assert cold.is_ready
        assert text_of(events) == "Echo: Hello?"
        assert isinstance(events[-1], Finished)
    finally:
        await cold.aclose()


async def test_deltas_are_coalesced(fake: FakeProviderServer, worker: WorkerGateway) -> None:
    text = "".join(f"{i:04d} " for i in range(400))
    fake.script("fast", Stream(text=text, chunks=400, delay=0.001))
    events = await collect(worker, request_for("openai/fast", fake.api_base("openai")))
    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert text_of(events) == text
    assert len(deltas) < 200, f"{len(deltas)} messages for 400 chunks: not coalesced"
    assert any(isinstance(e, UsageReport) for e in events)


async def test_stopping_a_reply_cancels_it_in_the_worker(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    fake.script("slow", Stream(text="x" * 400, chunks=400, delay=0.02))
    stream = worker.stream(request_for("anthropic/slow", fake.api_base("anthropic")))
    async for event in stream:
        if isinstance(event, TextDelta):
            break
    await stream.aclose()
    await eventually(lambda: bool(fake.disconnects("slow")), what="the worker to close the stream")


async def test_killing_the_worker_mid_stream_fails_in_flight_replies_keeps_text_and_restarts(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    a = seat_for(fake, "openai", "long-a")
    b = seat_for(fake, "gemini", "long-b")
    session = Session(seats=[a, b])
    for name in ("long-a", "long-b"):
        fake.script(name, Stream(text="word " * 300, chunks=300, delay=0.02))
    assert await worker.wait_ready()
    restarts = worker.restarts
    engine = SessionDocument(worker, session)
    turn = engine.add_prompt("Go")
    running = asyncio.ensure_future(engine.start(turn))
    await eventually(
        lambda: all(len(r.text) > 20 for r in turn.replies), what="both replies to stream"
    )
    pid = worker.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    await running

    for reply in turn.replies:
        assert reply.status is ReplyStatus.ERROR
        assert reply.error is not None
        assert reply.error.kind is ErrorKind.INTERNAL
        assert "provider worker stopped unexpectedly" in reply.error.message
        assert reply.text.startswith("word word")
    # A fresh worker takes over and the next send works.
    assert await worker.wait_ready()
    assert worker.pid not in (None, pid)
    assert worker.restarts == restarts + 1
    follow = await engine.send("Again")
    assert [r.status for r in follow.replies] == [ReplyStatus.COMPLETE] * 2


NOISY_WORKER = """
import os, sys
from desktop.providers import worker

original = worker.LiteLLMGateway.stream

def noisy(self, request):
    print("noise from a library")
    os.write(1, b"raw noise on fd 1\\n")
    return original(self, request)

worker.LiteLLMGateway.stream = noisy
sys.exit(worker.main())
"""


async def test_library_output_never_corrupts_the_protocol(fake: FakeProviderServer) -> None:
    proc = await asyncio.create_subprocess_exec(
        PYTHON,
        "-c",
        NOISY_WORKER,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
        cwd=ROOT,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    request = request_for("openai/m", fake.api_base("openai"))
    proc.stdin.writelines(protocol.Start.of(request).chunks())
    messages = await messages_until_the_reply_ends(proc.stdout)  # noise would not parse
    proc.stdin.writelines(protocol.Shutdown().chunks())
    rest, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert rest == b""
    assert isinstance(messages[0], protocol.Ready)
    assert isinstance(messages[-1], protocol.ReplyEvent)
    assert isinstance(messages[-1].event, Finished)
    assert b"noise from a library" in stderr
    assert b"raw noise on fd 1" in stderr
    assert proc.returncode == 0


async def test_the_coalescer_merges_deltas_and_keeps_event_order() -> None:
    written: list[tuple[str, object]] = []
    coalescer = DeltaCoalescer(lambda rid, e: written.append((rid, e)), asyncio.get_running_loop())
    coalescer.emit("a", TextDelta("he"))
    coalescer.emit("b", TextDelta("x"))
    coalescer.emit("a", TextDelta("llo"))
    coalescer.emit("a", Finished("stop", "m"))
    assert written == [("a", TextDelta("hello")), ("a", Finished("stop", "m"))]
    await eventually(lambda: len(written) == 3, what="the timed flush")
    assert written[-1] == ("b", TextDelta("x"))


async def test_an_attachment_crosses_to_the_worker_once_however_many_seats_and_turns(
    fake: FakeProviderServer, worker: WorkerGateway
) -> None:
    session = Session(seats=[seat_for(fake, "openai", f"blob-{i}", f"Seat {i}") for i in range(3)])
    for seat in session.seats:
        seat.vision = True
    engine = SessionDocument(worker, session)
    picture = attachment_from_bytes("chart.png", files.png(30, 20))
    before = await worker.stats()
    await engine.send("Look", attachments=[picture])
    await engine.send("And again")  # the history carries the picture again
    after = await worker.stats()
    assert after.blobs_received == before.blobs_received + 1
    for seat in session.seats:
        requests = fake.requests(seat.model.split("/", 1)[1])
        assert len(requests) == 2
        for request in requests:
            url = next(p for p in request.user_parts(0) if p.get("type") == "image_url")
            assert url["image_url"]["url"].startswith("data:image/png;base64,")


async def test_a_request_naming_bytes_the_worker_never_got_fails_clearly(
    fake: FakeProviderServer,
) -> None:
    proc = await bare_worker()
    assert proc.stdin is not None
    assert proc.stdout is not None
    picture = attachment_from_bytes("chart.png", files.png(8, 8))
    request = replace(request_for("openai/m", fake.api_base("openai")), attachments=(picture,))
    proc.stdin.writelines(protocol.Start.of(request).chunks())
    messages = await messages_until_the_reply_ends(proc.stdout)
    proc.stdin.writelines(protocol.Shutdown().chunks())
    await asyncio.wait_for(proc.communicate(), 30)
    assert isinstance(messages[-1], protocol.ReplyEvent)
    event = messages[-1].event
    assert isinstance(event, Failed)
    assert "bytes never arrived" in event.message


async def messages_until_the_reply_ends(stdout: asyncio.StreamReader) -> list[protocol.Message]:
    """What a worker writes, read as the window reads it, up to a reply's last event."""
    messages: list[protocol.Message] = []
    while True:
        line = await asyncio.wait_for(protocol.read_line(stdout), 120)
        assert line is not None, "the worker ended early"
        messages.append(protocol.parse_message(line))
        last = messages[-1]
        if isinstance(last, protocol.ReplyEvent) and isinstance(last.event, Finished | Failed):
            return messages
