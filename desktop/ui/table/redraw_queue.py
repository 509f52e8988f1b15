"""One redraw budget shared by every streaming view in the process.

A streaming pane redraws its open tail at most every ``REDRAW_MS``. With a timer per
pane, six panes often fired in the same event-loop turn, and their work landed in one
stall: each costs ~2 ms to re-render its tail and ~3 ms to paint, so six at once made a
30 ms freeze (bench/ui_streaming.py, p99). This queue redraws one view per turn, a slot
every ``SLOT_MS``, oldest request first, so a stall is one pane's work, not all of them.
"""

from __future__ import annotations

import time
from typing import Protocol

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer

REDRAW_MS = 50
SLOT_MS = 6


class Redrawable(Protocol):
    def redraw(self) -> None: ...


class RedrawQueue(QObject):
    """Views that asked for a redraw, served one per slot, each at most every REDRAW_MS."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._waiting: dict[Redrawable, None] = {}  # a dict keeps request order
        self._last: dict[Redrawable, float] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(SLOT_MS)
        self._timer.timeout.connect(self.serve)

    def request(self, view: Redrawable) -> None:
        """Redraw ``view`` soon: in the next free slot, REDRAW_MS after its last redraw."""
        if view not in self._waiting:
            self._waiting[view] = None
            self._last.setdefault(view, time.monotonic())
        if not self._timer.isActive():
            self._timer.start()

    def discard(self, view: Redrawable) -> None:
        """Forget ``view`` (its stream ended or it is going away)."""
        self._waiting.pop(view, None)
        self._last.pop(view, None)

    def serve(self) -> None:
        """One slot: redraw the oldest waiting view whose REDRAW_MS have passed (the
        queue's timer calls it every SLOT_MS while views wait)."""
        now = time.monotonic()
        for view in list(self._waiting):
            if not shiboken6.isValid(view):  # deleted with its pane
                self.discard(view)
                continue
            if (now - self._last[view]) * 1000 >= REDRAW_MS:
                del self._waiting[view]
                self._last[view] = now
                view.redraw()
                break
        if not self._waiting:
            self._timer.stop()


_shared: RedrawQueue | None = None


def shared_queue() -> RedrawQueue:
    """The process's queue (one event loop, so one budget), made on first use."""
    global _shared
    if _shared is None or not shiboken6.isValid(_shared):
        _shared = RedrawQueue(QCoreApplication.instance())
    return _shared
