"""Migrations: a file of an older format version is brought up to this one on load.

Each step is one function from a version-N document to a version-(N + 1) document,
registered in :data:`MIGRATIONS` under N, and tested on a real file of version N kept
in ``tests/fixtures/transcripts/``. A step works on the parsed JSON, never on the model,
so that fields it does not know (unknown fields) pass through it untouched; it may
change the document it is given, and :func:`migrate` sets the new version number.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from desktop.core.transcript.errors import TranscriptError
from desktop.core.transcript.fields import VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]

# Version 1 is the first format: nothing to migrate yet.
MIGRATIONS: dict[int, Migration] = {}


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
