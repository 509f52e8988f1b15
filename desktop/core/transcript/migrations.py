"""Migrations: a file of an older format version is brought up to this one on load.

Each step is one function from a version-N document to a version-(N + 1) document,
registered in :data:`MIGRATIONS` under N, and tested on a real file of version N kept
in ``tests/fixtures/transcripts/``. A step works on the parsed JSON, never on the model,
so that fields it does not know (unknown fields) pass through it untouched; it may
change the document it is given, and :func:`migrate` sets the new version number.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from desktop.core.transcript.errors import TranscriptError
from desktop.core.transcript.fields import VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def post_blocks(document: dict[str, Any]) -> dict[str, Any]:
    """Version 1 → 2: the post becomes a list of blocks; annotations gain ``exact``
    (null: not known), seats ``reasoning_effort`` (the model's default) and the session
    ``sources``, ``tags`` and ``budget_usd`` (none; a version 2 file may lack the last
    two and ``reasoning_effort`` too, which read as none).

    Version 1's post showed every exchange not in ``excluded_ids`` (a turn's or a
    reply's id), its ``intro`` before them and its ``outro`` after. So ``intro`` becomes
    a text block, then one section per seat in table order with each of its exchanges
    left in, then ``outro``. A post that said nothing of the kind (no intro, outro or
    exclusion) gets no blocks: the default post, which shows the same.
    """
    post = document.get("post") or {}
    intro, outro = post.pop("intro", ""), post.pop("outro", "")
    excluded = set(post.get("excluded_ids") or ())
    for annotation in document.get("annotations") or ():
        if isinstance(annotation, dict):  # else the decoder says what is wrong, and where
            annotation.setdefault("exact", None)
    for seat in document.get("seats") or ():
        if isinstance(seat, dict):
            seat.setdefault("reasoning_effort", None)
    document.setdefault("sources", [])
    document.setdefault("tags", [])
    document.setdefault("budget_usd", None)
    blocks: list[dict[str, Any]] = []
    if intro or outro or excluded:
        blocks += [{"kind": "text", "markdown": intro}] if intro else []
        blocks += _default_sections(document, excluded)
        blocks += [{"kind": "text", "markdown": outro}] if outro else []
    post["subtitle"] = post.get("subtitle", "")
    post["blocks"] = blocks
    document["post"] = post
    return document


def _default_sections(document: dict[str, Any], excluded: set[str]) -> list[dict[str, Any]]:
    sections = []
    for seat in document["seats"]:
        items = []
        for turn in document["turns"]:
            if seat["id"] not in turn["targets"] or turn["id"] in excluded:
                continue
            replies = [r for r in turn["replies"] if r["seat_id"] == seat["id"]]
            if replies and replies[-1]["id"] in excluded:
                continue
            items.append({"turn_id": turn["id"], "reply_id": None, "prompt": None,
                          "show": "answer", "start": None, "end": None})  # fmt: skip
        if items:
            # The same id each time the file is read, so a save changes only what changed.
            section_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"roundtable:{seat['id']}/section"))
            sections.append({"kind": "section", "id": section_id, "seat_id": seat["id"],
                             "heading": None, "reaction": None, "items": items})  # fmt: skip
    return sections


def reasoning(document: dict[str, Any]) -> dict[str, Any]:
    """Version 2 → 3: a reply keeps what its model thought before answering
    (``reasoning``, "" when none came: version 2 did not keep it), when that began
    (``reasoning_started_at``), how the answer ended (``finish_reason``, null: not
    known), the web pages it rests on (``sources``, none) and the settings it was
    asked with (``sent_with``, null: not known); usage counts ``reasoning_tokens``,
    ``web_searches`` and ``search_fee_usd`` (null: not known); a seat says whether it
    searches the web (``web_search``, false); a quote carries its ``sources`` and
    ``reasoning`` (none); a post item shows no reasoning (``reasoning``, false); a seat
    is no chair, a turn no chair's (``mode``), neither anonymous nor blind, an
    annotation no vote's (``versus``, ``tie``).

    A version-2 object cannot hold this version's fields, so one already named so was
    another tool's: it is kept, as ``<name>_from_version_2``, never read as ours.
    """
    # Exchanges copied from other sessions (``sources``) hold seats and turns too.
    imported = _objects(document.get("sources"))
    seats = [s for part in (document, *imported) for s in _objects(part.get("seats"))]
    turns = [t for part in (document, *imported) for t in _objects(part.get("turns"))]
    for seat in seats:
        _set_aside(seat, ("web_search", "search_context", "chair"))
        seat.setdefault("web_search", False)
        seat.setdefault("search_context", None)
        seat.setdefault("chair", False)
    for annotation in _objects(document.get("annotations")):
        _set_aside(annotation, ("versus", "tie"))
        annotation.setdefault("versus", None)
        annotation.setdefault("tie", False)
    post = document.get("post")
    for block in _objects(post.get("blocks")) if isinstance(post, dict) else ():
        for item in _objects(block.get("items")):
            _set_aside(item, ("reasoning",))
            item.setdefault("reasoning", False)
    for turn in turns:
        _set_aside(turn, ("mode", "anonymous", "blind"))
        turn.setdefault("mode", None)
        turn.setdefault("anonymous", False)
        turn.setdefault("blind", False)
        for quote in _objects(turn.get("quotes")):
            _set_aside(quote, ("sources", "reasoning"))
            quote.setdefault("sources", [])
            quote.setdefault("reasoning", "")
        for reply in _objects(turn.get("replies")):
            _set_aside(
                reply,
                ("reasoning", "reasoning_blocks", "reasoning_started_at", "finish_reason",
                 "sources", "sent_with"),
            )  # fmt: skip
            reply.setdefault("reasoning", "")
            reply.setdefault("reasoning_blocks", [])
            reply.setdefault("reasoning_started_at", None)
            reply.setdefault("finish_reason", None)
            reply.setdefault("sources", [])
            reply.setdefault("sent_with", None)
            if isinstance(reply.get("usage"), dict):
                _set_aside(reply["usage"], ("reasoning_tokens", "web_searches", "search_fee_usd"))
                reply["usage"].setdefault("reasoning_tokens", None)
                reply["usage"].setdefault("web_searches", None)
                reply["usage"].setdefault("search_fee_usd", None)
    return document


def _objects(items: Any) -> list[dict[str, Any]]:
    """The objects of a list that may be anything (the decoder says what is wrong with
    the rest, and where)."""
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _set_aside(fields: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if name in fields:
            fields[f"{name}_from_version_2"] = fields.pop(name)


MIGRATIONS: dict[int, Migration] = {1: post_blocks, 2: reasoning}


def migrate(
    document: dict[str, Any],
    path: Path | str = "<transcript>",
    registry: Mapping[int, Migration] | None = None,
    target: int = VERSION,
) -> dict[str, Any]:
    """The document brought from its ``version`` up to ``target``, one step at a time.

    A document at ``target`` or newer is returned as it is (a newer one opens read-only).
    The caller's document is never changed. A missing step, or a step that fails or
    gives something other than an object, raises TranscriptError naming ``path`` and the
    step.
    """
    steps = MIGRATIONS if registry is None else registry
    start: int = document["version"]
    if start >= target:
        return document
    migrated = copy.deepcopy(document)
    for version in range(start, target):
        step = steps.get(version)
        if step is None:
            raise TranscriptError(
                path,
                f"transcript version {start} cannot be read: there is no migration from "
                f"version {version} to version {version + 1}",
            )
        try:
            migrated = step(migrated)
        # A damaged old file meets a step as a KeyError or a TypeError: the user is told
        # the file and the step, not shown a traceback.
        except Exception as exc:
            raise TranscriptError(
                path,
                f"damaged: migrating from version {version} to version {version + 1} failed "
                f"({type(exc).__name__}: {exc})",
            ) from exc
        if not isinstance(migrated, dict):
            raise TranscriptError(
                path,
                f"migrating from version {version} to version {version + 1} gave "
                f"{type(migrated).__name__}, not a document",
            )
        migrated["version"] = version + 1
    return migrated
