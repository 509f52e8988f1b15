"""Every event that crosses from the worker to the window, checked field by field.

The worker is a process of ours, but what it forwards comes from a provider: a wrong
type let through here would crash later, in the totals the window paints or in the
session file it saves. Each event type's fields are listed once, with what they must be.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from desktop.core.records.events import (
    Delivered,
    Event,
    Failed,
    Finished,
    ReasoningSealed,
    TextDelta,
    UsageReport,
    event_from_dict,
)


def checked_event(data: object) -> Event:
    """The event ``data`` (a parsed JSON object) stands for, every field checked;
    ValueError saying what is wrong otherwise."""
    if not isinstance(data, dict):
        raise ValueError("an event that is not an object")
    try:
        event = event_from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"an event it could not read ({type(exc).__name__})") from None
    # Every field is checked here, once: a wrong type let through would crash later,
    # in the totals the window paints or in the session file it saves.
    name = data["type"]
    for key, check, meaning in _FIELD_CHECKS.get(type(event), ()):
        if not check(getattr(event, key)):
            raise ValueError(f"a {name} event whose {key!r} is not {meaning}")
    return event


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _str_or_none(value: object) -> bool:
    return value is None or isinstance(value, str)


def _count_or_none(value: object) -> bool:
    return value is None or (
        isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**15
    )


def _amount_or_none(value: object) -> bool:
    return value is None or (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value < 1e12
    )


def _seals(value: object) -> bool:
    return all(
        isinstance(b.kind, str)
        and _str_or_none(b.signature)
        and _str_or_none(b.data)
        and isinstance(b.extra, dict)
        for b in value  # type: ignore[attr-defined]
    )


def _deliveries(value: object) -> bool:
    return all(
        isinstance(d.attachment_id, str) and isinstance(d.note, str)
        for d in value  # type: ignore[attr-defined]
    )


_FIELD_CHECKS: dict[type, tuple[tuple[str, Callable[[object], bool], str], ...]] = {
    TextDelta: (("text", _is_str, "a string"),),
    UsageReport: (
        ("prompt_tokens", _count_or_none, "a count"),
        ("completion_tokens", _count_or_none, "a count"),
        ("reasoning_tokens", _count_or_none, "a count"),
        ("cost_usd", _amount_or_none, "an amount"),
    ),
    Finished: (
        ("finish_reason", _str_or_none, "a string"),
        ("model_reported", _str_or_none, "a string"),
    ),
    Failed: (("message", _is_str, "a string"), ("retry_after", _amount_or_none, "an amount")),
    Delivered: (("deliveries", _deliveries, "a list of deliveries"),),
    ReasoningSealed: (("blocks", _seals, "a list of seals"),),
}
