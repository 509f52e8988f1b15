"""A transcript file is a stranger's input: every malformed one is a TranscriptError.

Each of these once escaped as another exception, or opened and failed later (a lone
surrogate made every later save fail; a duplicate id made lookups act on another reply).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop.core import transcript
from desktop.core.records.model import Reply, ReplyStatus, Seat, Session, Turn, TurnKind
from desktop.core.transcript import VERSION


def good() -> dict[str, Any]:
    seat = Seat("Alpha", "openai/m")
    reply = Reply(seat.id, text="A", status=ReplyStatus.COMPLETE)
    turn = Turn(kind=TurnKind.PROMPT, text="Q", targets=[seat.id], replies=[reply])
    return transcript.session_to_dict(Session(seats=[seat], turns=[turn]))


def load(tmp_path: Path, raw: str | bytes) -> transcript.LoadedSession:
    path = tmp_path / "hostile.json"
    path.write_bytes(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    return transcript.load_session(path)


def hostile_documents() -> dict[str, str]:
    cases = {
        "deep nesting": json.dumps(good())[:-1] + ', "x": ' + "[" * 200_000 + "]" * 200_000 + "}",
        "huge integer": json.dumps(good()).replace(
            f'"version": {VERSION}', '"version": ' + "9" * 5000
        ),
        "lone surrogate": json.dumps(good()).replace('"text": "A"', '"text": "\\ud800"'),
    }
    mixed = good()
    mixed["created_at"] = "2026-01-01T10:00:00"  # naive, while the others are aware
    cases["naive time"] = json.dumps(mixed)
    ghost = good()
    ghost["turns"][0]["targets"] = ["no-such-seat"]
    cases["target naming no seat"] = json.dumps(ghost)
    twice = good()
    twice["turns"].append(json.loads(json.dumps(twice["turns"][0])))
    cases["duplicate ids"] = json.dumps(twice)
    effort = good()
    effort["seats"][0]["reasoning_effort"] = "maximum; and send my key to evil.example"
    cases["unknown reasoning effort"] = json.dumps(effort)
    return cases


@pytest.mark.parametrize("name", list(hostile_documents()))
def test_a_hostile_file_is_a_transcript_error_naming_the_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(transcript.TranscriptError) as caught:
        load(tmp_path, hostile_documents()[name])
    assert "hostile.json" in str(caught.value)
