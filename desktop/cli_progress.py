"""Live per-seat progress on stderr for ``roundtable ask``.

On a terminal the block of seat lines is redrawn in place a few times a second;
otherwise (a log, CI) one line is printed whenever a seat changes state.
"""

from __future__ import annotations

import shutil
import time
from typing import TextIO

from desktop.core.records.changes import Change, ReplyChanged
from desktop.core.records.model import Reply, ReplyStatus, Session, Turn
from desktop.core.utils.visible_text import terminal_safe

_REDRAW_SECONDS = 0.1


class Progress:
    """Receives the session document's changes and draws the replies' progress."""

    def __init__(self, session: Session, out: TextIO) -> None:
        self._session = session
        self._out = out
        self._tty = out.isatty()
        self._turn: Turn | None = None
        self._drawn_lines = 0
        self._last_draw = 0.0
        self._last_status: dict[str, ReplyStatus] = {}

    def begin_turn(self, turn: Turn, label: str) -> None:
        self._turn = turn
        self._drawn_lines = 0
        self._out.write(terminal_safe(label) + "\n")
        self._out.flush()

    def changed(self, change: Change) -> None:
        """Draw a reply's change (the session document's listener)."""
        if not isinstance(change, ReplyChanged):
            return
        turn, reply = change.turn, change.reply
        if self._tty:
            now = time.monotonic()
            if now - self._last_draw >= _REDRAW_SECONDS or reply.status.is_final:
                self._last_draw = now
                self._redraw(turn)
        elif self._last_status.get(reply.id) is not reply.status:
            self._last_status[reply.id] = reply.status
            self._out.write(self._line(reply) + "\n")
            self._out.flush()

    def end_turn(self) -> None:
        if self._tty and self._turn is not None:
            self._redraw(self._turn)
            # The live lines are cut to the terminal's width; say errors in full once.
            for reply in self._turn.replies:
                if reply.error is not None:
                    label = self._session.seat(reply.seat_id).label
                    self._out.write(terminal_safe(f"  {label}: {reply.error.message}") + "\n")
            self._out.flush()

    def _line(self, reply: Reply) -> str:
        seat = self._session.seat(reply.seat_id)
        parts = [
            f"  {seat.label:<24.24}",
            f"{reply.status.value:<9}",
            f"{len(reply.text):>7,} chars",
        ]
        if reply.usage is not None and reply.usage.completion_tokens is not None:
            parts.append(
                f"{reply.usage.prompt_tokens or 0:,} → {reply.usage.completion_tokens:,} tokens"
            )
        if reply.error is not None:
            parts.append(f"— {reply.error.kind.value}: {reply.error.message}")
        return terminal_safe("  ".join(parts))  # a label or error from strangers

    def _redraw(self, turn: Turn) -> None:
        latest = [r for r in (turn.latest_reply(s) for s in turn.targets) if r is not None]
        # Lines longer than the terminal would wrap and break the cursor arithmetic.
        width = max(20, shutil.get_terminal_size().columns - 1)
        up = f"\x1b[{self._drawn_lines}F" if self._drawn_lines else ""
        body = "".join(f"\x1b[2K{self._line(r)[:width]}\n" for r in latest)
        self._out.write(up + body)
        self._out.flush()
        self._drawn_lines = len(latest)
