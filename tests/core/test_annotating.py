"""The author's annotations: added, changed, removed and put back through the document,
which marks the session dirty and says what changed; and none of them is ever sent."""

from __future__ import annotations

import json

import pytest

from desktop.core.post import editing as post_editing
from desktop.core.post.editing import PostEditing
from desktop.core.records.changes import AnnotationsChanged, Change
from desktop.core.records.events import Gateway
from desktop.core.records.model import AnnotationKind, Session
from desktop.core.session.annotating import Annotations
from desktop.core.session.document import SessionDocument
from tests.conftest import seat_for
from tests.core.test_document import two_seats
from tests.fakes.provider_server import FakeProviderServer, Stream
from tests.fakes.scripted_gateway import ScriptedGateway


@pytest.mark.asyncio
async def test_annotations_are_added_changed_removed_and_put_back() -> None:
    gateway = ScriptedGateway()
    document = SessionDocument(gateway, two_seats())
    alpha = document.session.seats[0]
    gateway.answer(alpha.model, "A beautiful vision that's probably doomed.")
    gateway.answer(document.session.seats[1].model, "Fine.")
    turn = await document.send("Take?")
    reply = turn.replies[0]
    changes: list[Change] = []
    document.subscribe(changes.append)
    notes = Annotations(document)

    highlight = notes.add(AnnotationKind.HIGHLIGHT, reply.id, 2, 18)
    assert highlight.exact == "beautiful vision"
    assert document.dirty
    star = notes.add(AnnotationKind.STAR, reply.id)
    reaction = notes.add(AnnotationKind.REACTION, alpha.id, note="🎤")
    assert notes.of(reply.id) == [highlight, star]
    assert AnnotationsChanged(reply.id) in changes
    assert AnnotationsChanged(alpha.id) in changes

    old = notes.change(reaction.id, "🔥")
    assert old.note == "🎤"
    assert notes.of(alpha.id)[0].note == "🔥"
    index, removed = notes.remove(highlight.id)
    assert notes.of(reply.id) == [star]
    notes.put_back(removed, index)  # undo
    assert notes.all[0] is removed

    with pytest.raises(ValueError, match=r"range 5\.\.999"):
        notes.add(AnnotationKind.HIGHLIGHT, reply.id, 5, 999)
    with pytest.raises(ValueError, match="nothing in the session"):
        notes.add(AnnotationKind.STAR, "no-such-id")


@pytest.mark.asyncio(loop_scope="module")
async def test_nothing_annotated_reaches_a_request(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    seats = [seat_for(fake, "openai", "note-a"), seat_for(fake, "anthropic", "note-b")]
    fake.script("note-a", Stream(text="A beautiful vision that's probably doomed."))
    fake.script("note-b", Stream(text="Agreed."))
    document = SessionDocument(gateway, Session(seats=seats))
    first = await document.send("Take?")
    notes = Annotations(document)
    reply = first.replies[0]
    notes.add(AnnotationKind.COMMENT, reply.id, 2, 18, note="PRIVATE-COMMENT")
    notes.add(AnnotationKind.REACTION, seats[1].id, note="PRIVATE-REACTION")
    notes.add(AnnotationKind.STAR, first.id, note="PRIVATE-STAR")
    editing = PostEditing(document)
    editing.apply(post_editing.add_text(0, "PRIVATE-COMMENTARY"))
    editing.apply(post_editing.set_item(1, 0, prompt="PRIVATE-DISPLAY-EDIT"))
    await document.send("And now?")
    bodies = json.dumps([r.body for r in fake.requests("note-a") + fake.requests("note-b")])
    assert "beautiful vision" in bodies, "the answer itself is history, and is sent"
    private_words = ("COMMENT", "REACTION", "STAR", "COMMENTARY", "DISPLAY-EDIT")
    for private in (f"PRIVATE-{word}" for word in private_words):
        assert private not in bodies
