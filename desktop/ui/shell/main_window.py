"""The main window: the strip of seat panes, the composer below, menus, status bar.

The window owns no session state: the session document does. The window listens to
the document's typed changes and hands each to the part of the screen it concerns.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QSplitter, QStackedWidget

from desktop.core.records import changes
from desktop.core.records.model import Seat
from desktop.core.session.autosaver import AUTOSAVE_SECONDS
from desktop.core.session.document import SessionDocument
from desktop.core.session.totals import session_totals
from desktop.ui.composer.attachment_actions import AttachmentActions
from desktop.ui.composer.composer import Composer, local_files
from desktop.ui.composer.turn_actions import TurnActions
from desktop.ui.composer.verdict_actions import VerdictActions
from desktop.ui.library.actions import LibraryActions
from desktop.ui.library.review_actions import ReviewActions
from desktop.ui.library.shared import SharedLibrary
from desktop.ui.library.start_page import StartPage
from desktop.ui.marks.annotation_actions import AnnotationActions
from desktop.ui.marks.annotation_list import AnnotationList
from desktop.ui.marks.vote_actions import VoteActions
from desktop.ui.settings.endpoint_approval import EndpointApproval
from desktop.ui.shell import window_geometry
from desktop.ui.shell.file_actions import FileActions
from desktop.ui.shell.window_menus import MenuParts, build_menus, set_live
from desktop.ui.table.pane import SeatPane
from desktop.ui.table.pane_strip import PaneStrip
from desktop.ui.utils import app_settings, dialogs
from desktop.ui.utils.app_settings import AppSettings
from desktop.ui.utils.shown import shown
from desktop.ui.utils.tasks import Tasks
from desktop.ui.utils.window_context import WindowContext

if TYPE_CHECKING:
    from desktop.ui.post.view import PostView

MESSAGE_MS = 10000


class MainWindow(QMainWindow):
    """The window; ``closed`` fires once the user really closed it."""

    closed = Signal()

    def __init__(
        self,
        document: SessionDocument,
        settings: QSettings,
        provider_ready: bool = True,
        app_settings: AppSettings | None = None,
        library: SharedLibrary | None = None,
    ) -> None:
        """``app_settings`` and ``library`` are the app's, shared by its windows; a
        window made without them (a test, a benchmark) has its own."""
        super().__init__()
        self.document = document
        self.settings = settings
        # The app's settings, one object for every window (a window alone: its own).
        self.app_settings = app_settings if app_settings is not None else AppSettings(settings)
        self.tasks = Tasks(self._job_failed)
        self._provider_ready, self._may_close = provider_ready, False

        self.strip = PaneStrip(self.app_settings, self._wire_pane)
        self._blind_names: dict[str, str] = {}  # what the composer's toggles go by
        self.composer = Composer()
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.addWidget(self.strip)
        self.main_splitter.addWidget(self.strip.verdicts)
        self.main_splitter.addWidget(self.composer)
        self.main_splitter.setStretchFactor(0, 5)
        self.main_splitter.setStretchFactor(1, 2)
        self.main_splitter.setStretchFactor(2, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.main_splitter)
        self.start_page = StartPage()
        self.pages.addWidget(self.start_page)
        self.setCentralWidget(self.pages)
        # Totals sit in a permanent label, so messages shown beside them are not wiped.
        self.totals = QLabel("")
        self.totals.setAccessibleName("Session totals")
        self.statusBar().addPermanentWidget(self.totals)

        context = WindowContext(self, document, self.tasks, self.say, self.app_settings)
        document.set_limits(self.app_settings.limits())
        self.app_settings.changed.connect(self._app_setting_changed)
        self.files = FileActions(context)
        self.review = ReviewActions(context, self.files, self.composer)
        self.main_splitter.addWidget(self.review.bar)
        self._own_library = library is None
        shared = library if library is not None else SharedLibrary(self.app_settings)
        self.library = LibraryActions(context, shared, self.review, lambda: self.panes)
        self.files.save_folder = lambda: self.library.folder
        self.turns = TurnActions(context, self.composer)
        self.verdicts = VerdictActions(context)
        self.attachments = AttachmentActions(context, self.composer)
        self.approval = EndpointApproval(context, self.strip.set_needs_approval)
        self.annotations = AnnotationActions(context, self.strip.focused, lambda: self.panes)
        self.votes = VoteActions(context, self.strip.focused, self.annotations.undo)
        self.context, self._post_view = context, cast("PostView | None", None)
        self.annotation_list = AnnotationList(self, self.annotations)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.annotation_list)
        self.composer.send_requested.connect(self.turns.send)
        self.composer.debate_requested.connect(self.turns.debate)
        self.composer.files_offered.connect(self.attachments.attach_files)
        self.composer.attach_asked.connect(
            lambda: self.tasks.spawn(self.attachments.choose_files())
        )
        self.composer.image_pasted.connect(self.attachments.attach_pasted)
        document.read_draft_from(self.composer.draft)
        self.setAcceptDrops(True)
        self.menus = build_menus(
            MenuParts(
                self,
                context,
                self.files,
                self.turns,
                self.composer,
                self.attachments,
                self.library,
                self.review,
                self.annotations,
                self.annotation_list,
                self.approval,
                self.strip,
                lambda: self.post_view,
                self.show_post,
                self.verdicts,
                self.votes,
            )
        )
        self.review.on_change = lambda live: set_live(self.menus, self.panes, live)
        self._wire_start_page()
        self._unsubscribe = document.subscribe(self._changed)
        self._changed(changes.SessionReplaced())
        window_geometry.restore(self, self.main_splitter, self.app_settings)
        self._autosave = QTimer(self)
        self._autosave.setInterval(round(AUTOSAVE_SECONDS * 1000))
        self._autosave.timeout.connect(lambda: self.tasks.spawn(document.autosave()))
        self._autosave.start()

    @property
    def panes(self) -> list[SeatPane]:
        """The seat panes, left to right."""
        return self.strip.panes

    @property
    def post_view(self) -> PostView:
        """The post editor and its preview, built when first wanted: its ~40 modules
        were a third of the window's first paint, for a page not shown at start."""
        if self._post_view is None:
            from desktop.ui.post.view import PostView

            self._post_view = PostView(  # one Undo
                self.context, self.annotations.undo, self.library.take_scoreboard
            )
            self.pages.addWidget(self._post_view)
        return self._post_view

    def show_post(self, on: bool) -> None:
        """Turn the window into the post editor and its preview, or back (Ctrl+P)."""
        if on and self.strip.blind:  # the post names every seat: it would give them away
            self.menus.post.setChecked(False)
            self.say("Vote on the blind round first (Reply → Vote): the post names every seat.")
            return
        self.pages.setCurrentWidget(self.post_view if on else self.main_splitter)
        self.menus.post.setChecked(on)
        if on:
            self.post_view.refresh()

    def show_start(self, on: bool) -> None:
        """The start page (recent sessions, the sample, how to add keys), or the panes."""
        if on:
            self.start_page.show_recent(self.files.recent())
        self.pages.setCurrentWidget(self.start_page if on else self.main_splitter)
        if not on:
            self.composer.editor.setFocus()

    def _wire_start_page(self) -> None:
        """Each way in on the start page, to the window's own action for it."""
        page, spawn = self.start_page, self.tasks.spawn
        page.new_session.connect(lambda: self.show_start(False))
        page.open_sample.connect(lambda: spawn(self.review.open_sample()))
        page.open_file.connect(self.files.open_dialog)
        page.open_library.connect(self.library.show)
        page.open_recent.connect(lambda path: self.files.open_recent(Path(path)))
        page.local_session.connect(self._start_local)

    async def find_local(self) -> None:
        """Look for model servers on this computer (at most a second) and offer their
        models on the start page."""
        from desktop.providers.local_servers import find_local_servers

        self.start_page.offer_local(await find_local_servers())

    def _start_local(self) -> None:
        """A new session whose seats are the local models offered (the user's own choice:
        their addresses are approved)."""
        seats = [Seat(m.label, m.model, api_base=m.api_base) for m in self.start_page.local_models]
        if not seats:
            return
        approvals = self.document.approvals
        if approvals is not None:
            try:
                approvals.approve(seats)
            except OSError as exc:
                self.say(f"Approved until Roundtable quits (not kept: {exc.strerror or exc}).")
        self.document.new(seats)
        self.show_start(False)

    def say(self, message: str) -> None:
        """Show the user a message in the status bar (the one way the window does)."""
        self.statusBar().showMessage(message, MESSAGE_MS)

    def _app_setting_changed(self, key: str) -> None:
        """An app setting changed, in this window or another: this window uses it now."""
        if key == app_settings.LIMITS:
            self.document.set_limits(self.app_settings.limits())
        elif key == app_settings.RECENT_FILES:
            self.files.fill_recent()

    def _job_failed(self, failure: BaseException) -> None:
        """A background job raised: the one place it is told (Tasks logs it)."""
        what = f"{type(failure).__name__}: {failure}" if str(failure) else type(failure).__name__
        dialogs.warn(
            self,
            "Something went wrong",
            shown(f"A job of this window failed and was stopped: {what}. Nothing else was "
                  "stopped: try it again, and save your work."),
        )  # fmt: skip

    # -- the document's changes ----------------------------------------------------------

    def _changed(self, change: changes.Change) -> None:
        session = self.document.session
        self.strip.apply(change, session)
        if self._post_view is not None:  # not built: nothing shown to keep up
            self._post_view.follow(change)
        match change:
            case changes.SessionReplaced():
                if self.pages.currentWidget() is self.start_page:
                    self.show_start(False)
                self.annotations.undo.clear()  # its commands were on the old session
                self.annotation_list.refresh(session)
                self.approval.offer()
                self._blind_names = dict(self.strip.names)
                self.composer.set_seats(session.active_seats, self._blind_names)
                if self.document.restored_draft:  # else the composer keeps what is typed
                    self.composer.restore_draft(self.document.restored_draft)
                self._refresh_state()
                self.totals.setText(session_totals(session))
            case changes.SeatsChanged():
                self.approval.refresh()
                self._blind_names = dict(self.strip.names)
                self.composer.set_seats(session.active_seats, self._blind_names)
            case changes.StateChanged():
                self._refresh_state()
            case changes.AnnotationsChanged():
                self.annotation_list.refresh(session)
            case changes.VotesChanged() | changes.TurnAdded():
                self.annotation_list.refresh(session)
                if self._blind_names != self.strip.names:  # blind now, or revealed
                    self._blind_names = dict(self.strip.names)
                    self.composer.set_seats(session.active_seats, self._blind_names)
                self._refresh_state()  # a blind round's title, or the revealed one
            case changes.ReplyChanged(reply=reply) if reply.status.is_final:
                self.totals.setText(session_totals(session))
            case changes.SessionFactsChanged():  # the budget shows beside the totals
                self.totals.setText(session_totals(session))
            case changes.Problem(message=message):
                self.say(message)

    def _wire_pane(self, pane: SeatPane) -> None:
        pane.stop_requested.connect(self.document.stop)
        pane.retry_requested.connect(self.turns.retry)
        pane.continue_requested.connect(self.turns.continue_reply)
        pane.forward_requested.connect(self.turns.forward)
        pane.sent_requested.connect(self._show_sent)
        pane.quote_requested.connect(self.composer.quote)
        pane.key_requested.connect(self.turns.add_key)
        pane.remove_requested.connect(self.turns.remove_seat)
        pane.view.link_refused.connect(
            lambda url: self.say(f"Not opened (only web and mail links open): {url}")
        )
        pane.set_provider_ready(self._provider_ready)
        self.annotations.attach(pane, self.menus.annotation_actions)

    def _show_sent(self, reply_id: str) -> None:
        from desktop.ui.table.sent_dialog import SentDialog

        dialog = SentDialog(self.document.session, reply_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def set_provider_ready(self, ready: bool) -> None:
        """Whether the provider worker is warm; waiting panes say so when it is not."""
        self._provider_ready = ready
        self.strip.set_provider_ready(ready)

    # -- state ---------------------------------------------------------------------------

    def _refresh_state(self) -> None:
        document = self.document
        name = document.path.name if document.path else "Untitled session"
        if self.strip.blind:  # a file's name can name the models too
            name = "Blind round"
        suffix = " (read-only)" if document.read_only else ""
        self.setWindowTitle(shown(f"{name}[*]{suffix} — Roundtable"))
        self.setWindowModified(document.dirty)
        self.menus.stop_all.setEnabled(document.busy)
        self.composer.block("Waiting for answers…" if document.busy else "")

    # -- drops ---------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.attachments.attach_files(files)

    # -- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_close and self.document.dirty:
            # Asked (and saved, if chosen) before closing; the window stays open until
            # the write has succeeded, and stays open if it failed.
            event.ignore()
            self.tasks.spawn(self._close_after_asking())
            return
        self._autosave.stop()
        window_geometry.save(self, self.main_splitter, self.app_settings)
        event.accept()
        self.closed.emit()

    def dispose(self) -> None:
        """Delete the window now, while Python runs: Qt objects left for interpreter
        exit were freed without the GIL (a rare abort seen in screenshot mode)."""
        self._autosave.stop()
        self._unsubscribe()
        # The composer goes with the window; the last autosave still needs its draft.
        draft = self.composer.draft()
        self.document.read_draft_from(lambda: draft)
        self.library.close()
        if self._own_library:
            self.library.library.close()
        self.hide()
        self.deleteLater()
        QApplication.sendPostedEvents(self, QEvent.Type.DeferredDelete)

    async def _close_after_asking(self) -> None:
        if await self.files.may_drop_changes():
            self._may_close = True
            self.close()
