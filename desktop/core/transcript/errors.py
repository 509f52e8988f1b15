"""What goes wrong reading a transcript."""

from __future__ import annotations

from pathlib import Path


class TranscriptError(Exception):
    """A transcript file that cannot be read; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


class DocumentProblem(Exception):
    """A structural problem at a JSON path (``session.turns[2].replies[0].status …``);
    the loader turns it into a TranscriptError naming the file."""
