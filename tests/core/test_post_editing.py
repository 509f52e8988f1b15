"""Post edits, each one undoable step through the document; exchanges added from
another session with their source and files; quotes shown by number, never by id."""

from __future__ import annotations

import copy
import hashlib

import pytest

from desktop.core.post import editing as edits
from desktop.core.post.editing import PostEditing
from desktop.core.post.importing import ImportRefused, add_imported, exchanges_of, seat_turns
from desktop.core.post.plan import plan_post
from desktop.core.post.quote_names import QuoteNames
from desktop.core.records.changes import Change, PostChanged
from desktop.core.records.model import Attachment, ReplyStatus, Session
from desktop.core.records.post_blocks import ItemShow, SectionBlock, TextBlock
from desktop.core.session.document import SessionDocument
from desktop.core.transcript import dumps, loads
from tests.core.test_post import session_of
from tests.fakes.scripted_gateway import ScriptedGateway


def other_session() -> Session:
    other = session_of("Gemini", "Claude")
    other.title = "Last month"
    data = b"\x89PNG\r\n\x1a\n"
    picture = Attachment("chart.png", "image/png", data, hashlib.sha256(data).hexdigest())
    other.attachments = [picture]
    other.turns[0].attachment_ids = [picture.id]
    return other


def test_seat_turns_are_the_answered_ones_and_a_copy_keeps_only_that_seat() -> None:
    other = other_session()
    gemini = other.seats[0]
    other.turns[0].replies[0].status = ReplyStatus.ERROR
    imported = exchanges_of(other, gemini)
    turn = imported.source.turns[0]
    assert turn.targets == [gemini.id]
    assert [r.seat_id for r in turn.replies] == [gemini.id]
    assert imported.attachments[0].name == "chart.png"
    assert imported.source.title == "Last month"
    assert other.turns[0].targets == [s.id for s in other.seats], "the other file untouched"
    other.turns[0].replies = [r for r in other.turns[0].replies if r.seat_id != gemini.id]
    assert seat_turns(other, gemini) == []
    with pytest.raises(ImportRefused, match="no answer"):
        exchanges_of(other, gemini)


def test_an_import_is_self_contained_and_refused_twice() -> None:
    session, other = session_of("Claude"), other_session()
    imported = exchanges_of(other, other.seats[0])
    add_imported(session, imported)
    assert [a.name for a in session.attachments] == ["chart.png"]
    sections = [b for b in session.post.blocks if isinstance(b, SectionBlock)]
    assert len(sections) == 2, "the default post so far, then the imported section"
    plan = plan_post(session)
    assert plan.sections[1].heading == "Gemini"
    assert plan.exchanges[1].origin is not None
    assert "Last month" in plan.exchanges[1].origin
    with pytest.raises(ImportRefused, match="already"):
        add_imported(session, exchanges_of(other, other.seats[0]))


def test_every_edit_is_undone_by_putting_the_state_back() -> None:
    document = SessionDocument(ScriptedGateway(), session_of("Claude", "GPT"))
    changes: list[Change] = []
    document.subscribe(changes.append)
    editing = PostEditing(document)
    states = [editing.apply(edits.add_text(0, "Mine."))]
    states.append(editing.apply(edits.set_section(1, "Claude, blunt", "🎤")))
    states.append(editing.apply(edits.set_item(1, 0, prompt="Shown so", show=ItemShow.CARD)))
    states.append(editing.apply(edits.add_items(2, [document.session.turns[0].id])))
    states.append(editing.apply(edits.move_item(2, 1, -1)))
    states.append(editing.apply(edits.remove_item(2, 0)))
    other = other_session()
    states.append(editing.add_from(exchanges_of(other, other.seats[0])))
    post = document.session.post
    assert isinstance(post.blocks[0], TextBlock)
    first = post.blocks[1]
    assert isinstance(first, SectionBlock)
    assert (first.heading, first.reaction) == ("Claude, blunt", "🎤")
    assert (first.items[0].prompt, first.items[0].show) == ("Shown so", ItemShow.CARD)
    assert len(document.session.sources) == 1
    assert PostChanged() in changes
    assert document.dirty
    for state in reversed(states):
        editing.put(state)
    assert document.session.post.blocks == []
    assert document.session.sources == []
    assert document.session.attachments == []


def test_quotes_are_named_by_number_in_the_editor_and_stored_with_their_target() -> None:
    names = QuoteNames()
    target = "roundtable:reply/abc-123?start=4&end=20"
    stored = f"She said [it is doomed]({target}), then [more]({target}) and [x](https://e.org)."
    shown = names.shown(stored)
    assert shown == "She said [it is doomed](quote 1), then [more](quote 1) and [x](https://e.org)."
    assert "abc-123" not in shown
    assert names.stored(shown) == stored
    assert names.name("roundtable:reply/other") == "quote 2"
    typed = "[mine](quote 7) [huge](quote 99999999999999999999)"
    assert names.stored(typed) == typed, "a number never given out stays as typed"


def test_an_import_reusing_this_sessions_reply_ids_is_refused_and_changes_nothing() -> None:
    """A crafted file (or a copy edited elsewhere) whose answers carry this session's
    ids: added, the session would save as a file the loader refuses."""
    session, other = session_of("Claude"), other_session()
    other.turns[0].replies[0].id = session.turns[0].replies[0].id
    before = copy.deepcopy(session)
    with pytest.raises(ImportRefused, match="already uses"):
        add_imported(session, exchanges_of(other, other.seats[0]))
    assert session == before
    other = other_session()
    gemini, taken = other.seats[0], session.seats[0].id  # a seat id this session has
    for turn in other.turns:
        turn.targets = [taken if t == gemini.id else t for t in turn.targets]
        for reply in turn.replies:
            reply.seat_id = taken if reply.seat_id == gemini.id else reply.seat_id
    gemini.id = taken
    with pytest.raises(ImportRefused, match="already uses"):
        add_imported(session, exchanges_of(other, other.seats[0]))


def test_an_imported_file_whose_id_this_session_gives_other_bytes_keeps_its_own() -> None:
    session, other = session_of("Claude"), other_session()
    mine = Attachment("mine.txt", "text/plain", b"mine", hashlib.sha256(b"mine").hexdigest())
    mine.id = other.attachments[0].id
    session.attachments = [mine]
    session.turns[0].attachment_ids = [mine.id]
    imported = exchanges_of(other, other.seats[0])
    add_imported(session, imported)
    copied = session.sources[0].turns[0]
    shown = [session.attachment(a) for a in copied.attachment_ids]
    assert [a.name for a in shown] == ["chart.png"], "the imported exchange shows its own file"
    assert session.attachment(mine.id).data == b"mine"
    assert imported.source.turns[0].attachment_ids == [mine.id], "what was offered is untouched"
    loads(dumps(session))  # and the session still opens


def test_an_unchanged_shared_file_is_not_copied_twice() -> None:
    session, other = session_of("Claude"), other_session()
    session.attachments = [copy.copy(other.attachments[0])]
    add_imported(session, exchanges_of(other, other.seats[0]))
    assert len(session.attachments) == 1


def test_an_untitled_source_reads_as_an_earlier_session_with_a_readers_date() -> None:
    """It read 'From the session “”, 2026-12-07.' in every export."""
    from datetime import UTC, datetime

    session, other = session_of("Claude"), other_session()
    other.title = "  "
    other.created_at = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    add_imported(session, exchanges_of(other, other.seats[0]))
    origin = plan_post(session).exchanges[1].origin
    assert origin == "from an earlier session, 7 December 2026"
    other.title = "Last month"
    session = session_of("Claude")
    add_imported(session, exchanges_of(other, other.seats[0]))
    assert (
        plan_post(session).exchanges[1].origin == "from the session “Last month”, 7 December 2026"
    )
