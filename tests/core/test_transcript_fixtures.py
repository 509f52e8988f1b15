"""Files written by earlier releases (format versions 1 and 2) open, show, continue and
save with nothing lost, unknown fields included (see tests/fixtures/transcripts/v*/)."""

from __future__ import annotations

import copy
import json
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from desktop.core.attachments import describe, text_of
from desktop.core.records.events import Gateway
from desktop.core.records.model import AnnotationKind, ErrorKind, ReplyStatus, TurnKind
from desktop.core.session.document import SessionDocument
from desktop.core.session.plaintext import render_session
from desktop.core.transcript import dumps, load_session, migrate, save_session
from tests import attachment_files as files
from tests.conftest import PYTHON, ROOT, TEST_KEYS, WIRE_PREFIX, subprocess_env
from tests.documents import differences
from tests.fakes.provider_server import FakeProviderServer, Stream

V1 = ROOT / "tests" / "fixtures" / "transcripts" / "v1"
V2 = ROOT / "tests" / "fixtures" / "transcripts" / "v2"
# Named, not globbed: a fixture that went missing must fail, not silently stop being tested.
FIXTURES = [V1 / "session.json", V1 / "session-with-unknown-fields.json", V2 / "session.json"]
SCHEMA = json.loads((ROOT / "docs" / "transcript.schema.json").read_text())

fixtures = pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")


def original(path: Path) -> dict[str, Any]:
    """The fixture's document brought up to this version, as loading does (unchanged
    while the format is at version 1): what a save must keep."""
    document: dict[str, Any] = json.loads(path.read_bytes())
    return migrate(document, path)


@fixtures
def test_a_v1_file_opens_with_everything_in_it(path: Path) -> None:
    loaded = load_session(path)
    assert not loaded.read_only
    assert loaded.warnings == []
    session = loaded.session
    alpha, beta, gamma = session.seats
    assert [(s.label, s.removed) for s in session.seats] == [
        ("Alpha (OpenAI)", False),
        ("Beta (Anthropic)", False),
        ("Gamma (Gemini)", True),
    ]
    assert [s.id for s in session.active_seats] == [alpha.id, beta.id]
    assert [t.kind for t in session.turns] == [
        TurnKind.PROMPT,
        TurnKind.DEBATE_ROUND,
        TurnKind.FOLLOW_UP,
        TurnKind.FOLLOW_UP,
    ]
    photo, notes = session.attachments
    assert session.turns[0].attachment_ids == [photo.id, notes.id]
    assert photo.data == files.png(6, 4, colour="orange")
    assert describe(photo) == "PNG image · 6×4 · 76 bytes"
    assert text_of(notes) == "Café rules: bread on two sides, filling between.\n"
    debate = session.turns[1]
    assert [q.seat_label for q in debate.quotes] == [s.label for s in session.seats]
    follow = session.turns[2]
    assert [(r.seat_id, r.status) for r in follow.replies] == [
        (alpha.id, ReplyStatus.COMPLETE),
        (beta.id, ReplyStatus.ERROR),
        (gamma.id, ReplyStatus.STOPPED),
        (beta.id, ReplyStatus.COMPLETE),
    ]
    failed, stopped, retried = follow.replies[1:]
    assert failed.error is not None
    assert failed.error.kind is ErrorKind.PROVIDER_ERROR
    assert stopped.text == "slow slow slow slow "
    assert retried.retry_of == failed.id
    assert session.turns[3].targets == [alpha.id, beta.id]
    assert [a.kind for a in session.annotations] == [
        AnnotationKind.HIGHLIGHT,
        AnnotationKind.COMMENT,
        AnnotationKind.REACTION,
        AnnotationKind.STAR,
    ]
    assert session.post.title == "The hot dog question, settled by three machines"
    assert session.post.excluded_ids == [failed.id]


def test_unknown_fields_in_a_v1_file_are_read_at_every_level() -> None:
    session = load_session(V1 / "session-with-unknown-fields.json").session
    first = session.turns[0].replies[1]
    assert session.extra == {"library_tags": ["food", "philosophy"]}
    assert session.seats[0].extra == {"voice": {"name": "alto", "speed": 1.1}}
    assert session.turns[0].extra == {
        "draft_history": ["Is a hot dog…", "Is a hot dog a sandwich?"]
    }
    assert session.turns[1].quotes[0].extra == {"trimmed": False}
    # Another tool's field of a name version 3 took: kept, under its own name.
    assert first.extra == {
        "reasoning_from_version_2": {"summary": "weighed the hinge", "tokens": 42}
    }
    assert first.reasoning == ""
    assert first.usage is not None
    assert first.usage.extra == {"cached_tokens": 7}
    assert first.deliveries[0].extra == {"bytes_sent": 123}
    error = session.turns[2].replies[1].error
    assert error is not None
    assert error.extra == {"request_id": "req_0001"}
    assert session.attachments[1].extra == {"language": "fr"}
    assert session.annotations[0].extra == {"colour": "#ffeb3b"}
    assert session.post.extra == {"theme": "dark"}


@fixtures
def test_a_v1_file_saved_unchanged_keeps_every_field(path: Path) -> None:
    saved = json.loads(dumps(load_session(path).session))
    jsonschema.validate(saved, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert differences(original(path), saved) == []
    assert saved == original(path)


@fixtures
def test_a_v1_file_shows_in_plain_text_and_with_roundtable_show(path: Path) -> None:
    text = render_session(load_session(path).session)
    for line in (
        "── Turn 1: Prompt → all seats ────────",
        "📎 plate.png — PNG image · 6×4 · 76 bytes",
        "  📎 notes.txt: sent as text (ISO-8859-1, 1 line)",
        "── Turn 2: Debate round → all seats ────────",
        "[Answer from Gamma (Gemini)]",
        "  ✗ provider_error: Anthropic had a problem (error 500: overloaded). Retry, or try later.",
        "slow slow slow slow",
        "── Turn 4: Follow-up → Alpha (OpenAI), Beta (Anthropic) ────────",
        "Agreed, reluctantly.",
    ):
        assert line in text.splitlines()
    assert "▌ Gamma (Gemini) — stopped, first token" in text
    # The author's annotations, with the words they mark.
    assert "  ✎ highlighted “A sandwich, ”: the thesis" in text.splitlines()
    assert "  reaction: 🎤 on Gamma (Gemini)" in text.splitlines()
    assert "▌ Beta (Anthropic) (retry) — complete" in text

    shown = subprocess.run(
        [PYTHON, "-m", "desktop", "show", str(path)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert (shown.returncode, shown.stderr) == (0, "")
    assert shown.stdout == text


@pytest.mark.asyncio(loop_scope="module")
@fixtures
async def test_a_v1_file_continues_and_saves_with_nothing_lost(
    path: Path, fake: FakeProviderServer, gateway: Gateway, tmp_path: Path
) -> None:
    loaded = load_session(path)
    session = loaded.session
    # The file's seats point at the fake server of the run that wrote it; point them at
    # this run's, as a user whose local server moved would.
    wires = {prefix: wire for wire, prefix in WIRE_PREFIX.items()}
    for seat in session.seats:
        seat.api_base = fake.api_base(wires[seat.model.split("/")[0]])
    alpha, beta, _ = session.seats
    fake.script("seat-a", Stream(text="Still a sandwich."))
    fake.script("seat-b", Stream(text="Still not."))

    turn = await SessionDocument(gateway, session).send("One more time, briefly?")

    assert turn.kind is TurnKind.FOLLOW_UP
    assert [(r.seat_id, r.status) for r in turn.replies] == [
        (alpha.id, ReplyStatus.COMPLETE),
        (beta.id, ReplyStatus.COMPLETE),
    ]
    assert fake.requests("seat-c") == []
    # The history from the file went out: earlier turns, the latest reply of each (the
    # retry, not the error), and the attachments, the picture as an image to Alpha.
    sent_to_beta = fake.requests("seat-b")[-1].conversation()
    assert ("assistant", "Fine: by your rules, it is one.") in sent_to_beta
    assert sent_to_beta[-1] == ("user", "One more time, briefly?")
    parts = fake.requests("seat-a")[-1].user_parts(0)
    assert any(part["type"] == "image_url" for part in parts)
    assert [d.how.value for d in turn.replies[0].deliveries] == ["image", "text_inline"]

    out = tmp_path / "continued.json"
    save_session(session, out)
    written = out.read_text(encoding="utf-8")
    for key in TEST_KEYS.values():
        assert key not in written
    saved = json.loads(written)
    jsonschema.validate(saved, SCHEMA, format_checker=jsonschema.FormatChecker())
    expected = copy.deepcopy(original(path))
    for seat_doc, seat in zip(expected["seats"], session.seats, strict=True):
        seat_doc["api_base"] = seat.api_base
    before = datetime.fromisoformat(expected.pop("updated_at"))
    assert datetime.fromisoformat(saved.pop("updated_at")) > before
    new_turn = saved["turns"].pop()
    assert new_turn["id"] == turn.id
    assert differences(expected, saved) == []
