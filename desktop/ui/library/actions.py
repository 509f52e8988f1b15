"""File → Library… in the window: the library's index kept up to date on every save,
the library window's searches, and opening a result at its words.

The library is the app's (:class:`~desktop.ui.library.shared.SharedLibrary`: one folder,
one worker thread for every window); the window shows progress and results as they come
and never waits. A session opened from the library is scrolled to the reply the words are
in, with the words selected. The library window and the index code are imported when
first used.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop.core.records.changes import Change, Saved
from desktop.ui.library.shared import SharedLibrary
from desktop.ui.utils import dialogs
from desktop.ui.utils.window_context import WindowContext

if TYPE_CHECKING:
    from desktop.core.records.post_blocks import ScoreboardBlock
    from desktop.ui.library.review_actions import ReviewActions
    from desktop.ui.library.scoreboard_view import ScoreboardView
    from desktop.ui.library.window import LibraryWindow
    from desktop.ui.table.pane import SeatPane

RESULTS = 50


class LibraryActions:
    """The library for one window."""

    def __init__(
        self,
        context: WindowContext,
        library: SharedLibrary,
        review: ReviewActions,
        panes: Callable[[], list[SeatPane]],
    ) -> None:
        self.context, self.library, self.review, self.panes = context, library, review, panes
        self.window: LibraryWindow | None = None
        self.scoreboard_view: ScoreboardView | None = None  # the last one opened
        context.document.subscribe(self._changed)
        library.moved.connect(self._moved)

    @property
    def folder(self) -> Path:
        """The library folder (the app's)."""
        return self.library.folder

    def use_folder(self, folder: Path, remember: bool = True) -> None:
        """Make ``folder`` every window's library: kept as the app's setting when
        ``remember``, for this run alone otherwise (``--library``)."""
        self.library.use_folder(folder, remember)

    def close(self) -> None:
        """This window is going: it no longer follows the library."""
        self.library.moved.disconnect(self._moved)

    def _moved(self) -> None:
        if self.window is not None:
            self.window.set_folder(self.folder)
            self.context.tasks.spawn(self.reload())

    def _changed(self, change: Change) -> None:
        if isinstance(change, Saved):  # every save is in the library at once
            self.context.tasks.spawn(self._index_saved(change.path))

    async def _index_saved(self, path: Path) -> None:
        try:
            await self.library.worker.saved(path)
        except OSError as exc:
            self.context.say(f"Saved, but the library's index could not be updated: {exc}")

    # -- the library window --------------------------------------------------------------

    def show(self) -> None:
        """Open the library window (File → Library…, Ctrl+Shift+O)."""
        if self.window is None:
            from desktop.ui.library.window import LibraryWindow

            self.window = LibraryWindow(self.context.parent)
            self.window.searched.connect(lambda q: self.context.tasks.spawn(self.search(q)))
            self.window.opened.connect(
                lambda path, target, words: self.context.tasks.spawn(
                    self.open(Path(path), target, words)
                )
            )
            self.window.change_folder.connect(lambda: self.context.tasks.spawn(self._choose()))
            self.window.scoreboard.connect(lambda: self.context.tasks.spawn(self.show_scoreboard()))
            self.window.open_sample.connect(
                lambda: self.context.tasks.spawn(self.review.open_sample())
            )
        self.window.set_folder(self.folder)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        self.window.query.setFocus()
        self.context.tasks.spawn(self.reload())

    async def take_scoreboard(self) -> ScoreboardBlock:
        """The library's scoreboard as it stands, as a post's block."""
        from desktop.core.library.scoreboard import taken

        return taken(await self.library.worker.scoreboard())

    async def show_scoreboard(self) -> None:
        """Library → Scoreboard: counted on the library's thread, shown when done."""
        from desktop.ui.library.scoreboard_view import ScoreboardView

        view = ScoreboardView(self.window or self.context.parent)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.show()
        self.scoreboard_view = view
        view.show_lines(await self.library.worker.scoreboard())

    async def reload(self) -> None:
        """Bring the index up to date, with progress, then list the sessions."""
        window = self.window
        if window is None:
            return
        window.say("Reading the library folder…")
        try:
            done = await self.library.worker.refresh(
                lambda n, total: window.say(f"Indexing: {n:,} of {total:,} files…")
            )
            entries = await self.library.worker.entries()
        except OSError as exc:
            window.say(f"The library cannot be read: {exc}")
            return
        window.show_entries(entries)
        if done.indexed and not window.query.text().strip():
            window.say(window.status.text() + f" · {done.indexed} indexed just now")

    async def search(self, query: str) -> None:
        """Run ``query`` and show what it finds (a query FTS5 rejects is retried with
        each word quoted: what she types is words, not syntax)."""
        window = self.window
        if window is None:
            return
        if not query:
            window.show_entries(window.entries)
            return
        from desktop.core.library.index import QueryError

        worker = self.library.worker
        try:
            try:
                hits = await worker.search(query, RESULTS)
            except QueryError:
                quoted = " ".join('"' + w.replace('"', '""') + '"' for w in query.split())
                hits = await worker.search(quoted, RESULTS)
        except QueryError as exc:
            window.say(str(exc))
            return
        except OSError as exc:
            window.say(f"The library cannot be searched: {exc}")
            return
        window.show_hits(query, hits)

    async def open(self, path: Path, target: str, words: str) -> None:
        """Open ``path`` to review (asking about unsaved changes first), at ``target``
        with ``words`` selected."""
        if path == self.context.document.path or await self.review.open(path):
            if target and not any(pane.reveal(target, words) for pane in self.panes()):
                self.context.say("That reply is not shown in any pane.")
            self.context.parent.activateWindow()
            self.context.parent.raise_()

    async def _choose(self) -> None:
        dialog = QFileDialog(self.window, "Library folder", str(self.folder))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        chosen = await dialogs.finished(dialog)
        if chosen and dialog.selectedFiles():
            self.use_folder(Path(dialog.selectedFiles()[0]))
