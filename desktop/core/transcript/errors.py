"""What goes wrong reading a transcript."""

from __future__ import annotations

import errno
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


class SessionUnsavable(OSError):
    """A session the loader would refuse, so it is not written (the file keeps what it
    held); ``str()`` says why. An OSError, so that every caller that reports a failed
    save reports this one the same way and keeps the session unsaved."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            errno.EINVAL, f"it would not open again ({problem}), so it was not written"
        )
        self.problem = problem

    def __str__(self) -> str:
        return str(self.strerror)
