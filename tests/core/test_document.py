"""The session document: dirty state, writes, autosave, recovery, limits and changes.

Driven by the scripted in-memory gateway, so each test decides when every event of every
reply arrives.
"""

from __future__ import annotations

import asyncio
import json
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from desktop.core.attachments import MB, AttachmentError, AttachmentLimits, attachment_from_bytes
from desktop.core.records.changes import (
    Change,
    ReplyAdded,
    ReplyChanged,
    ReplyPart,
    SessionReplaced,
    StateChanged,
    TurnAdded,
)
from desktop.core.records.events import (
    Channel,
    Finished,
    SourcesFound,
    Started,
    TextDelta,
    UsageReport,
)
from desktop.core.records.evidence import WebSource
from desktop.core.records.model import ReplyStatus, Seat, Session, TurnKind
from desktop.core.session import turns
from desktop.core.session.document import SessionDocument
from desktop.core.session.recovery import Draft, RecoveryStore
from desktop.core.session.turns import CONTINUE_PROMPT, continue_after_cut
from desktop.core.session.writing import off_thread
from desktop.core.utils.atomic import write_atomic
from tests.fakes.scripted_gateway import ScriptedGateway
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio


def two_seats() -> Session:
    return Session(seats=[Seat("Alpha", "m/a"), Seat("Beta", "m/b")])


@pytest.fixture
def gateway() -> ScriptedGateway:
    return ScriptedGateway()


class SlowDisk:
    """Every file write takes a while; records writes as they start and as they land, and
    fails the test if two writes of the document ever overlap."""

    def __init__(self) -> None:
        self.started = 0
        self.landed: list[bytes] = []
        self._writing = threading.Semaphore(1)
        self.writer = off_thread(self.write)  # what the document is handed

    def write(self, path: Path | str, data: Any) -> None:
        assert self._writing.acquire(blocking=False), "two writes of the document overlapped"
        self.started += 1
        try:
            time.sleep(0.05)  # the disk, not the test, is slow
            write_atomic(path, data)
            self.landed.append(Path(path).read_bytes())
        finally:
            self._writing.release()


@pytest.fixture
def slow_disk() -> SlowDisk:
    return SlowDisk()


def revision_marker(data: bytes) -> str:
    """The text of the first reply in a written file (the tests write a counter there)."""
    document = json.loads(data)
    return str(document["turns"][0]["replies"][0]["text"])


async def test_a_reply_that_finishes_while_a_save_is_written_keeps_the_document_dirty(
    gateway: ScriptedGateway, tmp_path: Path, slow_disk: SlowDisk
) -> None:
    document = SessionDocument(gateway, two_seats(), writer=slow_disk.writer)
    turn = document.add_prompt("Q", [document.session.seats[0].id])
    running = document.start(turn)
    gateway.feed("m/a", Started(), TextDelta("Half"))
    await eventually(lambda: turn.replies[0].text == "Half", what="the first words")
    saving = asyncio.ensure_future(document.save(tmp_path / "s.json"))
    await eventually(lambda: slow_disk.started == 1, what="the save to start writing")
    gateway.feed("m/a", TextDelta(" and the rest."), Finished())
    await running
    await saving
    assert revision_marker(slow_disk.landed[-1]) == "Half", "the save holds the older text"
    assert document.dirty, "the finished reply is not in the file: still unsaved"
    await document.save()
    assert not document.dirty
    assert revision_marker((tmp_path / "s.json").read_bytes()) == "Half and the rest."


async def test_autosaves_are_written_one_at_a_time_and_the_newest_lands_last(
    gateway: ScriptedGateway, tmp_path: Path, slow_disk: SlowDisk
) -> None:
    store = RecoveryStore(tmp_path / "recovery")
    document = SessionDocument(gateway, two_seats(), recovery=store, writer=slow_disk.writer)
    turn = document.add_prompt("Q")
    reply = turn.replies[0]
    autosaves = []
    for number in range(4):
        reply.text = f"revision {number}"
        document.set_draft(f"draft {number}", [])
        autosaves.append(asyncio.ensure_future(document.autosave()))
        await asyncio.sleep(0)
    assert all(await asyncio.gather(*autosaves))
    assert revision_marker(slow_disk.landed[-1]) == "revision 3"
    assert revision_marker(store.path.read_bytes()) == "revision 3"
    store.close()


async def test_a_cancelled_autosave_never_lands_after_the_final_save(
    gateway: ScriptedGateway, tmp_path: Path, slow_disk: SlowDisk
) -> None:
    # The CLI's case: it cancels its autosave loop, then writes the transcript one last time.
    document = SessionDocument(
        gateway, two_seats(), autosave_in_place=True, writer=slow_disk.writer
    )
    document.path = tmp_path / "out.json"
    turn = document.add_prompt("Q")
    turn.replies[0].text = "older"
    autosave = asyncio.ensure_future(document.autosave())
    await eventually(lambda: slow_disk.started == 1, what="the autosave to start writing")
    turn.replies[0].text = "newest"
    autosave.cancel()
    await document.save()
    await asyncio.gather(autosave, return_exceptions=True)
    assert [revision_marker(data) for data in slow_disk.landed] == ["older", "newest"]
    assert revision_marker(document.path.read_bytes()) == "newest"


async def test_the_documents_limits_are_the_ones_every_turn_is_checked_against(
    gateway: ScriptedGateway,
) -> None:
    big = [attachment_from_bytes(f"{n}.txt", b"x" * (30 * MB)) for n in range(2)]
    document = SessionDocument(gateway, two_seats())
    with pytest.raises(AttachmentError, match="50 MB per turn"):
        document.add_prompt("Read these", attachments=big)
    assert document.session.turns == []
    document.set_limits(AttachmentLimits(per_file=40 * MB, per_turn=80 * MB))
    turn = document.add_prompt("Read these", attachments=big)
    assert len(turn.attachment_ids) == 2


async def test_busy_from_the_moment_a_turn_starts_until_every_reply_ended(
    gateway: ScriptedGateway,
) -> None:
    document = SessionDocument(gateway, two_seats())
    running = document.start(document.add_prompt("Q"))
    assert document.busy, "busy before the gateway said anything"
    gateway.answer("m/a", "A")
    await eventually(lambda: document.session.turns[0].replies[0].status.is_final)
    assert document.busy, "one seat is still answering"
    gateway.answer("m/b", "B")
    await running
    assert not document.busy


async def test_changes_name_exactly_what_changed(gateway: ScriptedGateway) -> None:
    document = SessionDocument(gateway, two_seats())
    changes: list[Change] = []
    document.subscribe(changes.append)
    gateway.answer("m/a", "A")
    gateway.answer("m/b", "B")
    turn = await document.send("Q")
    assert isinstance(changes[0], StateChanged)  # a saved-looking document became dirty
    assert changes[1] == TurnAdded(turn)
    assert not any(isinstance(c, SessionReplaced) for c in changes)
    assert {c.reply.id for c in changes if isinstance(c, ReplyChanged)} == {
        r.id for r in turn.replies
    }
    changes.clear()
    gateway.answer("m/b", "B again")
    retried = await document.retry(turn.replies[1].id)
    assert changes[:1] == [ReplyAdded(turn, retried)]
    assert {c.reply.id for c in changes if isinstance(c, ReplyChanged)} == {retried.id}


async def test_every_kind_of_turn_is_built_by_the_document(gateway: ScriptedGateway) -> None:
    document = SessionDocument(gateway, two_seats())
    alpha, beta = document.session.seats
    gateway.answer("m/a", "Alpha's view")
    gateway.answer("m/b", "Beta's view")
    first = await document.send("Q")
    assert first.kind is TurnKind.PROMPT
    gateway.answer("m/b", "Beta on Alpha")
    forward = await document.run(
        document.append(
            turns.forward(document.session, first.replies[0].id, [beta.id], "Thoughts?")
        )
    )
    assert forward.kind is TurnKind.FORWARD
    assert "Alpha's view" in gateway.requests[-1].messages[-1]["content"]
    gateway.answer("m/a", "Alpha rebuts")
    gateway.answer("m/b", "Beta rebuts")
    debate = await document.run(document.append(turns.debate_round(document.session)))
    assert debate.kind is TurnKind.DEBATE_ROUND
    gateway.answer("m/a", "…and more")
    cont = document.append(continue_after_cut(document.session, debate.replies[0].id))
    await document.start(cont)
    assert (cont.kind, cont.text, cont.targets) == (TurnKind.FOLLOW_UP, CONTINUE_PROMPT, [alpha.id])


async def test_each_instance_has_its_own_recovery_file_in_a_private_folder(
    gateway: ScriptedGateway, tmp_path: Path
) -> None:
    folder = tmp_path / "recovery"
    one, two = RecoveryStore(folder), RecoveryStore(folder)
    assert one.path != two.path
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for store in (one, two):
        document = SessionDocument(gateway, two_seats(), recovery=store)
        document.add_prompt("Q")
        assert await document.autosave()
    assert one.path.exists()
    assert two.path.exists()
    assert one.orphans() == [], "a running instance's file is not an orphan"
    two.close()  # the other instance ends with its session unsaved: its file stays
    assert one.orphans() == [two.path]
    one.close()


async def test_the_draft_and_its_files_survive_in_the_recovery_file_and_crashed_replies_stop(
    gateway: ScriptedGateway, tmp_path: Path
) -> None:
    folder = tmp_path / "recovery"
    store = RecoveryStore(folder)
    document = SessionDocument(gateway, two_seats(), recovery=store)
    turn = document.add_prompt("Q")
    turn.replies[0].text, turn.replies[0].status = "cut by the crash", ReplyStatus.STREAMING
    pending = attachment_from_bytes("notes.txt", b"my unsent notes")
    document.set_draft("My blunter take", [pending])
    assert await document.autosave()
    store.close()  # as if the process had died: the file stays, its lock goes

    survivor = RecoveryStore(folder)
    [orphan] = survivor.orphans()
    found = survivor.load(orphan)
    assert found.snapshot.draft == Draft("My blunter take", [pending])
    assert [a.name for a in found.session.attachments] == [], "the draft's file is not sent"
    assert found.session.turns[0].replies[0].status is ReplyStatus.STOPPED
    assert found.session.turns[0].replies[0].text == "cut by the crash"
    restored = SessionDocument(gateway, recovery=survivor)
    replaced: list[Change] = []
    restored.subscribe(replaced.append)
    restored.restore(found)
    assert restored.dirty, "saved nowhere but the recovery file"
    assert restored.draft == found.snapshot.draft
    await eventually(lambda: not orphan.exists(), what="the old file to be adopted")
    assert survivor.path.exists()
    await restored.shutdown()


async def test_saving_removes_the_recovery_file_and_discarding_leaves_none(
    gateway: ScriptedGateway, tmp_path: Path
) -> None:
    store = RecoveryStore(tmp_path / "recovery")
    document = SessionDocument(gateway, two_seats(), recovery=store)
    document.add_prompt("Q")
    assert await document.autosave()
    assert store.path.exists()
    await document.save(tmp_path / "s.json")
    assert not store.path.exists()
    document.add_prompt("Again")
    assert await document.autosave()
    document.discard_changes()
    await document.shutdown()
    assert not store.path.exists()
    assert list((tmp_path / "recovery").iterdir()) == []


async def test_a_recovered_draft_alone_does_not_make_an_empty_session_unsaved(
    gateway: ScriptedGateway, tmp_path: Path
) -> None:
    folder = tmp_path / "recovery"
    store = RecoveryStore(folder)
    document = SessionDocument(gateway, two_seats(), recovery=store)
    document.set_draft("Only typed, never sent", [])
    assert await document.autosave()
    store.close()

    survivor = RecoveryStore(folder)
    restored = SessionDocument(gateway, recovery=survivor)
    restored.restore(survivor.load(survivor.orphans()[0]))
    assert restored.draft.text == "Only typed, never sent"
    assert not restored.dirty, "nothing to save: closing must not ask"
    await restored.shutdown()
    assert survivor.path.exists(), "the draft is still kept for a crash"


async def test_a_save_that_lands_after_the_session_was_replaced_leaves_the_new_one_alone(
    gateway: ScriptedGateway, tmp_path: Path, slow_disk: SlowDisk
) -> None:
    document = SessionDocument(gateway, two_seats(), writer=slow_disk.writer)
    document.add_prompt("Old session")
    saving = asyncio.ensure_future(document.save(tmp_path / "old.json"))
    await eventually(lambda: slow_disk.started == 1, what="the save to start writing")
    document.new([Seat("Gamma", "m/c")])
    document.add_prompt("New session")
    await saving
    assert document.path is None, "the new session was never saved to the old one's file"
    assert document.dirty
    assert "Old session" in (tmp_path / "old.json").read_text(encoding="utf-8")


async def test_a_seat_still_answering_is_sent_no_new_turn(gateway: ScriptedGateway) -> None:
    document = SessionDocument(gateway, two_seats())
    alpha, beta = document.session.seats
    gateway.answer("m/a", "Alpha's view")
    gateway.answer("m/b", "Beta's view")
    first = await document.send("Q")
    running = document.start(document.add_prompt("Go on", [alpha.id]))
    await eventually(lambda: bool(gateway.requests[2:]), what="Alpha's second request")
    for refused in (
        lambda: document.append(turns.forward(document.session, first.replies[1].id, [alpha.id])),
        lambda: document.append(turns.debate_round(document.session)),
        lambda: document.add_retry(first.replies[0].id),
        lambda: document.add_prompt("More", [alpha.id]),
    ):
        with pytest.raises(ValueError, match="Alpha is still answering"):
            refused()
    assert len(document.session.turns) == 2
    document.append(turns.forward(document.session, first.replies[0].id, [beta.id]))  # Beta is free
    gateway.answer("m/a", "Alpha again")
    await running


@pytest.mark.parametrize("quits_cleanly", [True, False], ids=["clean exit", "crash"])
async def test_a_recovery_file_restores_to_the_sessions_own_file_and_says_how_it_ended(
    gateway: ScriptedGateway, tmp_path: Path, quits_cleanly: bool
) -> None:
    folder = tmp_path / "recovery"
    store = RecoveryStore(folder)
    document = SessionDocument(gateway, two_seats(), recovery=store)
    document.add_prompt("Q")
    await document.save(tmp_path / "mine.json")
    if quits_cleanly:  # the session is saved; only the draft is not
        document.set_draft("Typed after saving", [])
        await document.shutdown()
    else:
        document.add_prompt("Not saved yet")
        assert await document.autosave()
        store.close()  # died

    survivor = RecoveryStore(folder)
    found = survivor.load(survivor.orphans()[0])
    assert found.snapshot.closed_cleanly is quits_cleanly
    restored = SessionDocument(gateway, recovery=survivor)
    restored.restore(found)
    assert restored.path == tmp_path / "mine.json", "Save goes back to the session's file"
    assert restored.dirty is not quits_cleanly, "dirty only when the file lacks something"
    assert restored.draft.text == ("Typed after saving" if quits_cleanly else "")
    await restored.shutdown()


@pytest.mark.parametrize("then_new", [False, True])
async def test_discarding_while_an_autosave_is_written_leaves_no_recovery_file(
    gateway: ScriptedGateway, tmp_path: Path, slow_disk: SlowDisk, then_new: bool
) -> None:
    store = RecoveryStore(tmp_path / "recovery")
    document = SessionDocument(gateway, two_seats(), recovery=store, writer=slow_disk.writer)
    document.add_prompt("Q")
    autosave = asyncio.ensure_future(document.autosave())
    await eventually(lambda: slow_disk.started == 1, what="the autosave to start writing")
    document.discard_changes()
    if then_new:  # Discard, then New, while the write goes on: the new session cleared
        document.new(two_seats().seats)  # the discard's mark, and the old session stayed
    assert await autosave
    assert not store.path.exists(), "a discarded session must not be offered back"
    store.close()


async def test_changes_after_a_discard_are_kept_for_recovery_again(
    gateway: ScriptedGateway, tmp_path: Path
) -> None:
    store = RecoveryStore(tmp_path / "recovery")
    document = SessionDocument(gateway, two_seats(), recovery=store)
    document.add_prompt("Dropped")
    document.discard_changes()
    document.add_prompt("Worth keeping")
    assert await document.autosave()
    assert store.path.exists()
    assert "Worth keeping" in store.path.read_text(encoding="utf-8")
    store.close()


async def test_the_draft_is_read_when_autosaved_and_the_json_is_made_off_the_loops_thread(
    gateway: ScriptedGateway, tmp_path: Path
) -> None:
    typed: list[str] = []
    reads: list[str] = []

    def composer() -> Draft:  # what the composer holds, read on demand
        reads.append(typed[-1])
        return Draft(typed[-1])

    threads: list[threading.Thread] = []

    def disk(path: Path, chunks: list[bytes]) -> None:
        threads.append(threading.current_thread())  # the JSON was made right before
        write_atomic(path, chunks)

    store = RecoveryStore(tmp_path / "recovery")
    document = SessionDocument(gateway, two_seats(), recovery=store, writer=off_thread(disk))
    document.read_draft_from(composer)
    for word in ("My", "My blunter", "My blunter take"):
        typed.append(word)  # keystrokes: nothing tells the document
    assert reads == []
    assert await document.autosave()
    assert reads == ["My blunter take"], "read once, when saved"
    assert threads
    assert threading.main_thread() not in threads
    assert store.load(store.path).snapshot.draft == Draft("My blunter take")
    assert await document.autosave(), "unchanged: nothing to write"
    assert len(threads) == 1
    await document.shutdown()


async def test_each_reply_change_says_what_of_the_reply_changed() -> None:
    gateway = ScriptedGateway()
    document = SessionDocument(gateway, Session(seats=[Seat("A", "m/a")]))
    said: list[frozenset[ReplyPart]] = []
    document.subscribe(lambda c: said.append(c.parts) if isinstance(c, ReplyChanged) else None)
    gateway.feed(
        "m/a",
        Started(),
        TextDelta("Hmm.", Channel.REASONING),
        TextDelta("Yes."),
        TextDelta(" Indeed."),
        SourcesFound((WebSource("https://a"),)),
        UsageReport(1, 2, None),
        Finished(),
    )
    await document.send("Q?")
    status, text = ReplyPart.STATUS, ReplyPart.TEXT
    assert said == [
        {status, ReplyPart.NUMBERS},  # waiting, and when it was asked
        {ReplyPart.REASONING, status},  # thinking: now streaming
        {text},
        {text},
        {ReplyPart.SOURCES},
        {ReplyPart.NUMBERS},
        {status, ReplyPart.NUMBERS},  # complete
        {ReplyPart.NUMBERS},  # when it ended: nothing to draw again
    ]
