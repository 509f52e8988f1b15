"""Sync scrolling that lines up turns: where one pane shows turn N, the others show it too.

Answers differ in length, so scrolling every pane to the same fraction of its length
puts different turns side by side. Instead each pane's position is read as "this far
into turn N" and the other panes go equally far into their own turn N. Qt-free.
"""

from __future__ import annotations

from collections.abc import Sequence

Anchor = tuple[str, float]  # a turn's id and the y where it starts in its pane


def aligned_position(
    source: Sequence[Anchor],
    source_height: float,
    position: float,
    target: Sequence[Anchor],
    target_height: float,
) -> float | None:
    """Where the target pane should scroll to, or None when no turn lines up.

    ``position`` is how far the source pane is scrolled; heights are the documents'.
    A turn the target was not part of (a follow-up to one seat) lines up with the
    latest earlier turn it has.
    """
    index = _turn_at(source, position)
    if index is None:
        return None
    start, end = _span(source, index, source_height)
    within = (position - start) / (end - start) if end > start else 0.0
    target_index = _index_in(target, [turn_id for turn_id, _ in source[: index + 1]])
    if target_index is None:
        return None
    if target[target_index][0] != source[index][0]:
        within = 1.0  # that turn is not in this pane: stay at the end of the one before
    start, end = _span(target, target_index, target_height)
    return start + within * (end - start)


def _turn_at(anchors: Sequence[Anchor], position: float) -> int | None:
    found = None
    for index, (_, y) in enumerate(anchors):
        if y <= position:
            found = index
    return found if found is not None else (0 if anchors else None)


def _span(anchors: Sequence[Anchor], index: int, height: float) -> tuple[float, float]:
    start = anchors[index][1]
    end = anchors[index + 1][1] if index + 1 < len(anchors) else height
    return start, max(start, end)


def _index_in(anchors: Sequence[Anchor], wanted_in_order: list[str]) -> int | None:
    """The target's index of the last of ``wanted_in_order`` that it has."""
    positions = {turn_id: index for index, (turn_id, _) in enumerate(anchors)}
    for turn_id in reversed(wanted_in_order):
        if turn_id in positions:
            return positions[turn_id]
    return None
