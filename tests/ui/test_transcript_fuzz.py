"""A small seeded slice of the loader fuzz (``bench/fuzz_transcript.py`` runs 100,000):
every input loads and then shows, renders in real panes and saves, or is refused with a
TranscriptError naming the file. Anything else fails, with the input's traceback."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from bench.fuzz_transcript import checker, fuzz, fuzz_markdown, import_checker, pane_renderer


def test_a_seeded_slice_of_the_loader_fuzz_finds_no_crash(
    qapp: QApplication, tmp_path: Path
) -> None:
    outcome = fuzz(400, seed=20261202, check=checker(pane_renderer()), crashes=tmp_path)
    assert outcome.crashes == [], outcome.crashes[0]
    # Both ways are exercised, so the slice is not all-refused (or all-loaded) noise.
    assert outcome.counts["loaded"] >= 20, outcome.counts
    assert outcome.counts["refused"] >= 100, outcome.counts


def test_a_seeded_slice_of_post_import_from_mutated_files_leaves_sessions_that_load(
    tmp_path: Path,
) -> None:
    outcome = fuzz(300, seed=20261207, check=import_checker(), crashes=tmp_path)
    assert outcome.crashes == [], outcome.crashes[0]
    assert outcome.counts["loaded"] >= 10, outcome.counts
    assert outcome.counts["refused"] >= 100, outcome.counts


def test_a_seeded_slice_of_the_markdown_export_fuzz_lets_nothing_through(
    tmp_path: Path,
) -> None:
    outcome = fuzz_markdown(400, seed=20261207, crashes=tmp_path)
    assert outcome.crashes == [], outcome.crashes[0]
    assert outcome.counts["loaded"] >= 300, outcome.counts
