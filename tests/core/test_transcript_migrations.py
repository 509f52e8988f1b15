"""The migration registry: steps run in order on real older files, and a missing or
failing step is a clear error naming the file and the step; and the real step from
version 1 to 2 (the post becomes blocks), on the real version-1 fixtures.

The registry's own tests register steps of their own (``commentary_blocks``) so that
they test the machinery, not one step.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from desktop.core.records.post_blocks import ItemShow, SectionBlock, TextBlock
from desktop.core.transcript import (
    MIGRATIONS,
    VERSION,
    TranscriptError,
    load_session,
    migrate,
    save_session,
)
from tests.conftest import ROOT
from tests.documents import differences

V1 = ROOT / "tests" / "fixtures" / "transcripts" / "v1"
FIXTURES = [V1 / "session.json", V1 / "session-with-unknown-fields.json"]


def read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_bytes())
    return document


def commentary_blocks(document: dict[str, Any]) -> dict[str, Any]:
    """A made-up step: the post's intro and outro become commentary blocks."""
    post = document["post"]
    intro, outro = post.pop("intro"), post.pop("outro")
    post["blocks"] = [{"kind": "commentary", "text": text} for text in (intro, outro) if text]
    return document


def test_every_older_version_has_a_step_to_the_next() -> None:
    assert sorted(MIGRATIONS) == list(range(1, VERSION))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_a_step_runs_on_a_real_v1_file_and_keeps_everything_else(path: Path) -> None:
    document = read(path)
    migrated = migrate(document, path, registry={1: commentary_blocks}, target=2)

    assert migrated["version"] == 2
    assert migrated["post"]["blocks"] == [
        {
            "kind": "commentary",
            "text": "I asked three assistants the question that ends friendships.",
        },
        {"kind": "commentary", "text": "Verdict: sandwich, **with mustard**."},
    ]
    assert "intro" not in migrated["post"]
    assert "outro" not in migrated["post"]
    # Everything else, unknown fields included, is as the file had it.
    expected = copy.deepcopy(document)
    del expected["version"], expected["post"]["intro"], expected["post"]["outro"]
    assert differences(expected, migrated) == []
    # The caller's document is not changed.
    assert document == read(path)


def test_steps_run_in_order_each_on_the_last_ones_output() -> None:
    seen: list[int] = []

    def step(document: dict[str, Any]) -> dict[str, Any]:
        seen.append(document["version"])
        document.setdefault("trail", []).append(document["version"])
        return document

    migrated = migrate(read(FIXTURES[0]), registry={1: step, 2: step, 3: step}, target=4)
    assert seen == [1, 2, 3]
    assert migrated["trail"] == [1, 2, 3]
    assert migrated["version"] == 4


def test_a_document_at_or_past_the_target_is_left_alone() -> None:
    document = read(FIXTURES[0])

    def never(document: dict[str, Any]) -> dict[str, Any]:
        raise AssertionError("no step should run")

    assert migrate(document, registry={1: never}, target=1) is document
    document["version"] = 7
    assert migrate(document, registry={1: never}, target=2) is document


def test_a_missing_step_names_the_file_and_the_step(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    with pytest.raises(TranscriptError) as caught:
        migrate(read(FIXTURES[0]), path, registry={1: commentary_blocks}, target=3)
    assert caught.value.path == path
    assert caught.value.problem == (
        "transcript version 1 cannot be read: there is no migration from version 2 to version 3"
    )


def test_a_failing_step_names_the_file_and_the_step(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    document = read(FIXTURES[0])
    del document["post"]["intro"]  # damaged: version 1 always has it
    with pytest.raises(TranscriptError) as caught:
        migrate(document, path, registry={1: commentary_blocks}, target=2)
    assert str(path) in str(caught.value)
    assert caught.value.problem == (
        "damaged: migrating from version 1 to version 2 failed (KeyError: 'intro')"
    )
    assert isinstance(caught.value.__cause__, KeyError)


def test_a_step_that_gives_no_document_is_an_error(tmp_path: Path) -> None:
    def broken(document: dict[str, Any]) -> dict[str, Any]:
        document.clear()
        return None  # type: ignore[return-value]

    with pytest.raises(TranscriptError, match="version 1 to version 2 gave NoneType"):
        migrate(read(FIXTURES[0]), tmp_path / "old.json", registry={1: broken}, target=2)


def test_loading_an_older_version_runs_the_registered_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A made-up version 0 that called the post's intro "summary".
    document = read(FIXTURES[1])
    document["version"] = 0
    document["post"]["summary"] = document["post"].pop("intro")
    path = tmp_path / "v0.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    def summary_to_intro(document: dict[str, Any]) -> dict[str, Any]:
        document["post"]["intro"] = document["post"].pop("summary")
        return document

    monkeypatch.setitem(MIGRATIONS, 0, summary_to_intro)
    loaded = load_session(path)
    assert not loaded.read_only
    assert loaded.warnings == []
    intro = loaded.session.post.blocks[0]
    assert intro == TextBlock("I asked three assistants the question that ends friendships.")
    assert loaded.session.post.extra == {"theme": "dark"}
    save_session(loaded.session, tmp_path / "saved.json")
    saved = read(tmp_path / "saved.json")
    assert saved["version"] == VERSION
    assert differences(migrate(read(FIXTURES[1])), saved) == []


# -- version 1 → 2: the post becomes blocks ---------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_a_v1_post_becomes_intro_a_section_per_seat_and_outro(path: Path) -> None:
    session = load_session(path).session
    excluded = session.post.excluded_ids
    intro, *sections, outro = session.post.blocks
    assert intro == TextBlock("I asked three assistants the question that ends friendships.")
    assert outro == TextBlock("Verdict: sandwich, **with mustard**.")
    assert all(isinstance(s, SectionBlock) for s in sections)
    seat_ids = [s.seat_id for s in sections if isinstance(s, SectionBlock)]
    assert seat_ids == [seat.id for seat in session.seats]  # table order
    for section in sections:
        assert isinstance(section, SectionBlock)
        for item in section.items:
            assert (item.reply_id, item.prompt, item.show) == (None, None, ItemShow.ANSWER)
            assert item.turn_id not in excluded
        wanted = [t.id for t in session.turns if section.seat_id in t.targets]
        assert [i.turn_id for i in section.items] == wanted, "every exchange not excluded"
    # The same section ids on every read: saving an unchanged file changes nothing.
    assert load_session(path).session.post.blocks == session.post.blocks


def test_a_v1_post_that_said_nothing_becomes_the_default_post() -> None:
    document = read(FIXTURES[0])
    document["post"] = {"title": "", "intro": "", "outro": "", "excluded_ids": []}
    migrated = migrate(document)
    assert migrated["post"] == {"title": "", "subtitle": "", "blocks": [], "excluded_ids": []}
    assert all(a["exact"] is None for a in migrated["annotations"])
    assert migrated["sources"] == []


def test_a_v1_exchange_whose_reply_was_excluded_is_left_out() -> None:
    document = read(FIXTURES[0])
    turn = document["turns"][0]
    reply = turn["replies"][0]
    document["post"]["excluded_ids"] = [reply["id"]]
    sections = [b for b in migrate(document)["post"]["blocks"] if b["kind"] == "section"]
    mine = next(s for s in sections if s["seat_id"] == reply["seat_id"])
    assert turn["id"] not in [item["turn_id"] for item in mine["items"]]
    others = [item["turn_id"] for s in sections if s is not mine for item in s["items"]]
    assert turn["id"] in others, "the other seats' answers to the turn stay"


def test_loading_a_version_with_no_way_forward_names_the_file(tmp_path: Path) -> None:
    document = read(FIXTURES[0])
    document["version"] = 0
    path = tmp_path / "v0.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(TranscriptError) as caught:
        load_session(path)
    assert caught.value.path == path
    assert "there is no migration from version 0 to version 1" in caught.value.problem


def test_version_2_fields_named_as_version_3_s_evidence_are_set_aside_not_read() -> None:
    from desktop.core.transcript.migrations import reasoning

    seat: dict[str, object] = {"id": "s", "web_search": "yes please"}
    quote = {"seat_id": "s", "reply_id": "r", "seat_label": "S", "text": "t", "sources": 3}
    reply = {"id": "r", "seat_id": "s", "sources": ["http://x"], "usage": {"web_searches": "x"}}
    item = {"turn_id": "t", "reasoning": "shown"}
    document = {
        "seats": [seat],
        "turns": [{"quotes": [quote], "replies": [reply]}],
        "post": {"blocks": [{"kind": "section", "items": [item]}]},
        "sources": [{"seats": [{"id": "o", "search_context": 5}], "turns": []}],
    }
    reasoning(document)
    assert (seat["web_search"], seat["web_search_from_version_2"]) == (False, "yes please")
    assert (quote["sources"], quote["sources_from_version_2"]) == ([], 3)
    assert (reply["sources"], reply["sources_from_version_2"]) == ([], ["http://x"])
    assert reply["usage"] == {"web_searches": None, "web_searches_from_version_2": "x",
                              "reasoning_tokens": None, "search_fee_usd": None}  # fmt: skip
    assert reply["sent_with"] is None
    assert (item["reasoning"], item["reasoning_from_version_2"]) == (False, "shown")
    imported = document["sources"][0]["seats"][0]
    assert (imported["search_context"], imported["search_context_from_version_2"]) == (None, 5)
