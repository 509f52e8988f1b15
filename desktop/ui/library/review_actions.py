"""Review mode in the window: a session read, searched, annotated and made into a post,
with nothing sent, so no key, no network and no provider worker are needed.

Sessions opened from the library and the sample open this way; the review bar stands
in for the composer. "Continue this session" makes it live; opening or starting any
other session leaves review mode.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt

from desktop.core.records.changes import Change, SessionReplaced
from desktop.ui.composer.composer import Composer
from desktop.ui.library.review_bar import ReviewBar
from desktop.ui.table.pane import SeatPane
from desktop.ui.utils import dialogs
from desktop.ui.utils.session_files import SAMPLE
from desktop.ui.utils.window_context import WindowContext


class SessionOpener(Protocol):
    """What review mode needs of the window's file handling."""

    async def may_drop_changes(self) -> bool:
        """Whether the open session may be replaced (asking about unsaved changes)."""
        ...

    def open_path(self, path: Path) -> bool:
        """Open ``path`` as the window's session; True if it opened."""
        ...


class ReviewActions:
    """Whether the window reviews its session, and the ways in and out."""

    def __init__(self, context: WindowContext, files: SessionOpener, composer: Composer) -> None:
        self.context, self.files, self.composer = context, files, composer
        self.bar = ReviewBar()
        self.bar.hide()
        self.bar.go_live.connect(lambda: self.set_reviewing(False))
        self.bar.compare.connect(lambda: self.compare(None))
        self.reviewing = False
        self.on_change: Callable[[bool], None] | None = None  # told "live?" on each change
        self._opening = False
        context.document.subscribe(self._changed)

    def set_reviewing(self, on: bool, told: bool = True) -> None:
        """Review the session (the review bar in the composer's place), or go live."""
        self.reviewing = on
        self.bar.describe(self.context.document.session.title)
        self.bar.setVisible(on)
        self.composer.setVisible(not on)
        if self.on_change is not None:
            self.on_change(not on)
        if not on and told:
            self.composer.editor.setFocus()
            self.context.say("This session is live again: what you send goes to its seats.")

    def _changed(self, change: Change) -> None:
        if isinstance(change, SessionReplaced) and self.reviewing and not self._opening:
            self.set_reviewing(False, told=False)

    async def open(self, path: Path) -> bool:
        """Open ``path`` to review (asking about unsaved changes first); True if open."""
        if not await self.files.may_drop_changes():
            return False
        self._opening = True
        try:
            opened = self.files.open_path(path)
        finally:
            self._opening = False
        if opened:
            self.set_reviewing(True)
        return opened

    async def open_sample(self) -> None:
        """Open the sample session to review, as a new untitled session: continuing it
        and saving never writes into the app's own files."""
        from desktop.core.transcript import TranscriptError, load_session

        if not await self.files.may_drop_changes():
            return
        try:
            sample = load_session(SAMPLE).session
        except TranscriptError as exc:
            dialogs.warn(self.context.parent, "The sample session cannot be opened", str(exc))
            return
        self._opening = True
        try:
            self.context.document.replace(sample)
        finally:
            self._opening = False
        self.set_reviewing(True)

    def compare(self, pane: SeatPane | None) -> None:
        """Compare two replies side by side (the focused pane's answer on the left)."""
        from desktop.ui.library.compare_dialog import CompareDialog  # when first asked for

        session = self.context.document.session
        dialog = CompareDialog(self.context.parent, session, self.context.tasks)
        if not dialog.options:
            self.context.say("There are no answers to compare yet.")
            dialog.deleteLater()
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        reply = pane.reply if pane is not None else None
        dialog.choose(reply.id if reply is not None else None)
        dialog.show()
