"""Where a streaming text's finished blocks end, read incrementally (Qt-free)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.ui.table.markdown_blocks import BlockScanner, finished_length, split_blocks

# Lines made of the pieces that decide where blocks end.
_pieces = st.sampled_from(
    ["para", "  indented", "- item", "1. item", "```", "```python", "~~~", "", " ", "x\u2028y"]
)
_texts = st.lists(_pieces, max_size=30).map("\n".join)


@settings(max_examples=300)
@given(_texts, st.lists(st.integers(1, 12), max_size=40))
def test_read_piece_by_piece_it_finds_what_a_whole_read_finds(text: str, steps: list[int]) -> None:
    scanner = BlockScanner()
    end = 0
    for step in [*steps, len(text)]:
        end = min(end + step, len(text))
        assert scanner.finished_length(text[:end]) == finished_length(text[:end])


@settings(max_examples=200)
@given(_texts)
def test_blocks_put_back_together_are_the_text(text: str) -> None:
    blocks = split_blocks(text)
    assert "".join(blocks) == text
    assert all(blocks)


def test_a_line_still_being_written_after_a_blank_line_ends_the_block_before_it() -> None:
    scanner = BlockScanner()
    text = "para\n\n"
    assert scanner.finished_length(text) == 0
    for _ in range(1000):
        text += "z" * 5000
        assert scanner.finished_length(text) == len("para\n\n")
