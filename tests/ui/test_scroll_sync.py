"""Turn-aligned sync scrolling, as arithmetic (the window test drives the real panes)."""

from __future__ import annotations

import pytest

from desktop.ui.table.scroll_sync import aligned_position

# Pane A: turn 1 is long (0-1000), turn 2 from 1000 to 1200. Pane B: turn 1 is short.
A = [("t1", 0.0), ("t2", 1000.0)]
B = [("t1", 0.0), ("t2", 200.0)]


@pytest.mark.parametrize(
    ("position", "expected"),
    [(0, 0), (500, 100), (1000, 200), (1100, 250)],
)
def test_the_same_distance_into_the_same_turn(position: float, expected: float) -> None:
    assert aligned_position(A, 1200, position, B, 300) == pytest.approx(expected)


def test_a_turn_the_other_pane_was_not_part_of_keeps_it_at_its_previous_turn() -> None:
    three = [("t1", 0.0), ("t2", 1000.0), ("only-a", 1200.0)]
    assert aligned_position(three, 1500, 1300, B, 300) == pytest.approx(300)


def test_nothing_to_line_up() -> None:
    assert aligned_position([], 0, 0, B, 300) is None
    assert aligned_position(A, 1200, 10, [("other", 0.0)], 100) is None
