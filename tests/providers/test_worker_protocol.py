"""The worker protocol: a worker that breaks it, memory bounds, the shapes themselves.

The misbehaving worker (``misbehaving_worker.py``) is the real worker behind a relay
that, for a seat labelled ``misbehave:KIND``, writes something the protocol forbids.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
import pytest_asyncio

from desktop.core.attachments import attachment_from_bytes
from desktop.core.records.events import Finished
from desktop.core.records.model import Attachment, ErrorKind, ReplyStatus, Session
from desktop.core.session.document import SessionDocument
from desktop.providers import protocol
from desktop.providers.worker_client import STDERR_KEPT, WorkerGateway
from tests.conftest import PYTHON, ROOT, seat_for, subprocess_env
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.providers.helpers import bare_worker, collect, failure_of, request_for, text_of
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")

MISBEHAVING = [PYTHON, str(ROOT / "tests" / "providers" / "misbehaving_worker.py")]
# Small, so a few test files go over it; a file of this size is 4/3 of it in base64.
BUDGET = 600_000


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def relay() -> AsyncIterator[WorkerGateway]:
    gateway = WorkerGateway(MISBEHAVING, env=subprocess_env(), blob_budget=BUDGET)
    assert await gateway.wait_ready()
    yield gateway
    await gateway.aclose()


# -- a worker that breaks the protocol ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("garbage", "a line of 17 bytes that is not JSON"),
        ("overlong", "a line over the 64 MB limit"),
        ("unknown", "an unknown message type 'surprise'"),
        ("deep", "a line of 200001 bytes that is not JSON"),
        ("badusage", "a usage event.prompt_tokens should be a count, not a string"),
        ("runaway", "a reply's answer over 8,000,000 characters"),
    ],
)
async def test_a_line_that_breaks_the_protocol_fails_replies_in_flight_at_once_and_restarts(
    fake: FakeProviderServer, relay: WorkerGateway, kind: str, reason: str
) -> None:
    # Before the fix the first bad line killed the reader and both replies waited forever.
    bad = seat_for(fake, "openai", f"bad-{kind}", f"misbehave:{kind}")
    good = seat_for(fake, "anthropic", f"good-{kind}", "Good")
    for seat in (bad, good):  # 60 s of streaming, unless something stops it
        fake.script(seat.model.split("/", 1)[1], Stream(text="word " * 600, chunks=600, delay=0.1))
    assert await relay.wait_ready()
    restarts, pid = relay.restarts, relay.pid
    document = SessionDocument(relay, Session(seats=[bad, good]))
    turn = document.add_prompt("Go")
    began = time.monotonic()
    await asyncio.wait_for(document.start(turn), 20)
    assert time.monotonic() - began < 20

    for reply in turn.replies:
        assert reply.status is ReplyStatus.ERROR
        assert reply.error is not None
        assert reply.error.kind is ErrorKind.INTERNAL
        assert reply.error.message == (
            f"The provider worker sent something it should not ({reason}); it was restarted. "
            "The text that arrived is kept; retry to ask again."
        )
    assert turn.replies[0].text.startswith("word"), "the text that arrived is kept"
    # A fresh worker takes over and the next send works, through the provider.
    assert await relay.wait_ready()
    assert relay.restarts == restarts + 1
    assert relay.pid not in (None, pid)
    bad.label = "Bad"  # no more misbehaving
    fake.script("bad-" + kind, Stream(text="fine"))
    fake.script("good-" + kind, Stream(text="fine too"))
    again = await asyncio.wait_for(document.send("Again"), 60)
    assert [r.status for r in again.replies] == [ReplyStatus.COMPLETE] * 2
    assert [r.text for r in again.replies] == ["fine", "fine too"]


async def test_junk_on_stderr_longer_than_any_line_neither_stops_a_reply_nor_fills_memory(
    fake: FakeProviderServer, relay: WorkerGateway
) -> None:
    assert await relay.wait_ready()
    restarts = relay.restarts
    fake.script("noisy", Stream(text="word " * 100, chunks=100, delay=0.02))
    request = replace(
        request_for("openai/noisy", fake.api_base("openai")), seat_label="misbehave:stderr"
    )
    events = await asyncio.wait_for(collect(relay, request), 60)
    assert isinstance(events[-1], Finished)
    assert text_of(events) == "word " * 100
    assert relay.restarts == restarts
    # Read to the end in chunks: its last words are there, and only the last 64 KB kept.
    await eventually(lambda: "the last words" in relay.stderr_tail, 30, "the end of stderr")
    assert len(relay.stderr_tail) <= STDERR_KEPT


# -- memory bounds --------------------------------------------------------------------


def _text_file(name: str, size: int) -> Attachment:
    return attachment_from_bytes(name, os.urandom(size // 2).hex().encode("ascii"))


async def test_the_worker_forgets_attachments_past_its_budget_and_gets_them_again_when_needed(
    fake: FakeProviderServer, relay: WorkerGateway
) -> None:
    # Before the fix the worker kept every file it was ever sent until it ended.
    assert await relay.wait_ready()
    before = await relay.stats()
    documents = []
    for n in range(3):  # three sessions, one 250 KB file each: 750 KB > the 600 KB budget
        seat = seat_for(fake, "openai", f"budget-{n}")
        document = SessionDocument(relay, Session(seats=[seat]))
        turn = await document.send("Read", attachments=[_text_file(f"notes-{n}.txt", 250_000)])
        assert turn.replies[0].status is ReplyStatus.COMPLETE
        documents.append(document)
        stats = await relay.stats()
        assert stats.blob_bytes <= BUDGET, f"{stats.blob_bytes} bytes kept after file {n}"
    after = await relay.stats()
    assert after.blobs_received == before.blobs_received + 3
    assert after.blobs == 2, "the first file was forgotten"

    # The first session still needs its file: it is sent again, and reaches the provider.
    first = documents[0]
    follow = await first.send("And again")
    assert follow.replies[0].status is ReplyStatus.COMPLETE
    assert (await relay.stats()).blobs_received == after.blobs_received + 1
    sent = fake.requests("budget-0")[-1].user_parts(0)
    assert any(first.session.attachments[0].data.decode() in str(p) for p in sent)


async def test_a_session_replaced_frees_its_attachments_in_the_worker(
    fake: FakeProviderServer, relay: WorkerGateway
) -> None:
    seat = seat_for(fake, "openai", "freed")
    document = SessionDocument(relay, Session(seats=[seat]))
    kept = _text_file("kept.txt", 1000)
    await document.send("Read", attachments=[kept, _text_file("dropped.txt", 1000)])
    assert (await relay.stats()).blobs >= 2
    # The next session shares one file with the old one (the user attached it again).
    document.replace(Session(seats=[seat], attachments=[kept]))
    assert (await relay.stats()).blobs == 1, "only the file the open session has is kept"


async def test_a_reply_past_the_length_cap_is_stopped_with_a_clear_error_keeping_its_text(
    fake: FakeProviderServer, relay: WorkerGateway
) -> None:
    # Before the fix a runaway reply grew without end in the worker, pipe and window.
    # Numbered, so litellm's guard against a model repeating itself does not step in.
    text = "".join(f"{i:07d} " for i in range(protocol.MAX_REPLY_CHARS // 8 + 20_000))
    fake.script("runaway", Stream(text=text, chunks=200))
    events = await asyncio.wait_for(
        collect(relay, request_for("openai/runaway", fake.api_base("openai"))), 120
    )
    failure = failure_of(events)
    assert failure.kind is ErrorKind.PROVIDER_ERROR
    assert "passed 8,000,000 characters" in failure.message
    assert "The text so far is kept" in failure.message
    assert text_of(events) == text[: protocol.MAX_REPLY_CHARS]


async def test_a_file_too_big_to_cross_is_refused_clearly_before_anything_is_sent(
    fake: FakeProviderServer, relay: WorkerGateway
) -> None:
    data = bytes(protocol.MAX_BLOB_BYTES + 1)  # as a session from an older release may hold
    huge = Attachment("huge.bin", "text/plain", data, hashlib.sha256(data).hexdigest())
    before = await relay.stats()
    request = replace(request_for("openai/m", fake.api_base("openai")), attachments=(huge,))
    failure = failure_of(await collect(relay, request))
    assert failure.kind is ErrorKind.BAD_REQUEST
    assert failure.message.startswith("huge.bin is 45 MB; no file over 45 MB can be sent")
    assert (await relay.stats()).blobs_received == before.blobs_received
    assert fake.requests("m") == []


async def test_a_conversation_too_long_for_one_line_is_refused_clearly(
    fake: FakeProviderServer, relay: WorkerGateway
) -> None:
    request = request_for("openai/m", fake.api_base("openai"), text="y" * protocol.MAX_LINE)
    failure = failure_of(await collect(relay, request))
    assert failure.kind is ErrorKind.CONTEXT_TOO_LONG
    assert "too long to send" in failure.message
    assert fake.requests("m") == []
    # The worker was not disturbed.
    events = await collect(relay, request_for("openai/m", fake.api_base("openai")))
    assert isinstance(events[-1], Finished)


# -- the worker, given a bad line -----------------------------------------------------


async def test_the_worker_given_a_line_that_breaks_the_protocol_says_so_and_exits() -> None:
    proc = await bare_worker()
    assert proc.stdin is not None
    proc.stdin.write(b'{"op": "dance"}\n')
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 2
    assert b"the window sent an unknown op 'dance'; stopping" in err
    assert protocol.parse_message(out.splitlines()[0]) == protocol.Ready(proc.pid)
