"""The main window: one pane per seat side by side, the composer below, menus."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
)

from desktop.core.attachments import AttachmentError, human_size
from desktop.core.conversation import DEFAULT_DEBATE_INSTRUCTION
from desktop.core.model import Attachment, new_id
from desktop.ui.composer import Composer, local_files
from desktop.ui.limits_dialog import LimitsDialog, stored_limits
from desktop.ui.pane import SeatPane
from desktop.ui.scroll_sync import aligned_position
from desktop.ui.session_controller import SessionController

if TYPE_CHECKING:
    from desktop.ui.attach_loading import Loaded, Refused

# Modules used only after a click (dialogs, file reading, transcripts) are imported where
# they are used: together they were ~50 ms of start-up before the first paint.

MAX_RECENT = 8
REPLY_ACTIONS = (
    ("stop", "S&top this answer", "Ctrl+."),
    ("retry", "&Retry", "Ctrl+R"),
    ("continue", "&Continue after a cut", "Ctrl+Shift+R"),
    ("copy", "&Copy as Markdown", "Ctrl+Shift+C"),
    ("forward", "&Forward to…", "Ctrl+Shift+F"),
    ("quote", "&Quote into composer", "Ctrl+Shift+Q"),
    ("key", "Add &key…", None),
    ("remove", "Re&move seat", None),
)
FILE_FILTER = "Roundtable sessions (*.json);;All files (*)"


class MainWindow(QMainWindow):
    """The window; ``closed`` fires once the user really closed it."""

    closed = Signal()

    def __init__(self, controller: SessionController, settings: QSettings) -> None:
        super().__init__()
        self.controller = controller
        self.settings = settings
        self.panes: list[SeatPane] = []
        self._sync_guard = False

        self.pane_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.pane_splitter.setChildrenCollapsible(False)
        self.pane_splitter.splitterMoved.connect(self._remember_pane_widths)
        self.composer = Composer()
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.addWidget(self.pane_splitter)
        self.main_splitter.addWidget(self.composer)
        self.main_splitter.setStretchFactor(0, 5)
        self.main_splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.main_splitter)

        self.composer.send_requested.connect(self._send)
        self.composer.files_offered.connect(self.attach_files)
        self.composer.image_pasted.connect(self._attach_pasted)
        self.setAcceptDrops(True)
        self.composer.debate_requested.connect(self._debate)
        controller.seats_changed.connect(self._rebuild_panes)
        controller.turns_changed.connect(self._rebuild_conversations)
        controller.reply_changed.connect(self._reply_changed)
        controller.state_changed.connect(self._refresh_state)
        controller.error.connect(lambda text: self.statusBar().showMessage(text, 15000))

        controller.set_limits(stored_limits(settings))
        self._build_menus()
        self._rebuild_panes()
        self._restore_geometry()
        self._refresh_state()

    # -- menus ---------------------------------------------------------------------------

    def _action(
        self,
        menu_name: str,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        menu = self._menus.get(menu_name)
        if menu is None:
            menu = self.menuBar().addMenu(menu_name)
            self._menus[menu_name] = menu
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        self._menus: dict[str, QMenu] = {}
        self._action("&File", "&New session", self._new, QKeySequence.StandardKey.New)
        self._action("&File", "&Open…", self._open_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = self._menus["&File"].addMenu("Open &recent")
        self._action("&File", "&Save", self._save, QKeySequence.StandardKey.Save)
        self._action("&File", "Save &as…", self._save_as, QKeySequence("Ctrl+Shift+S"))
        self._action("&File", "Save a&ttachment…", self._save_attachment)
        self._action("&File", "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self._action("&Session", "&Send", self.composer.submit, "Ctrl+Return")
        self._action("&Session", "&Attach files…", self.composer.choose_files, "Ctrl+Shift+A")
        self._action("&Session", "Attachment &limits…", self._edit_limits)
        self.stop_action = self._action("&Session", "S&top all", self.controller.stop_all, "Esc")
        self._action(
            "&Session", "&Debate round…", lambda: self._debate(self.composer.selected()), "Ctrl+D"
        )
        self._action("&Session", "Seats at the &table…", self._edit_lineup, "Ctrl+T")
        self.sync_action = self._action(
            "&View", "&Sync scrolling (turns side by side)", self._sync_toggled
        )
        self.sync_action.setCheckable(True)
        self._action("&View", "Focus &composer", lambda: self.composer.editor.setFocus(), "Ctrl+L")
        for number in range(1, 10):
            pane = f"pane &{number}"
            self._action(
                "&View", f"Focus {pane}", partial(self._focus_pane, number), f"Ctrl+{number}"
            )
            self._action(
                "&Session",
                f"Address only {pane}",
                partial(self._address_only, number),
                f"Alt+{number}",
            )
        # The pane buttons again, for the pane that has the focus (Ctrl+1…9 puts it there),
        # so each reply's actions are reachable from the keyboard.
        self.reply_actions: dict[str, QAction] = {}
        for key, text, shortcut in REPLY_ACTIONS:
            self.reply_actions[key] = self._action(
                "&Reply", text, partial(self._act_on_focused_pane, key), shortcut
            )
        reply_menu = self._menus["&Reply"]
        reply_menu.aboutToShow.connect(self._refresh_reply_actions)
        # Enabled again once the menu closes: the focus may move to another pane.
        reply_menu.aboutToHide.connect(self._enable_reply_actions)
        self._fill_recent()

    def _enable_reply_actions(self) -> None:
        for action in self.reply_actions.values():
            action.setEnabled(True)

    def _focused_pane(self) -> SeatPane | None:
        focus = QApplication.focusWidget()
        for pane in self.panes:
            if focus is not None and (focus is pane or pane.isAncestorOf(focus)):
                return pane
        return None

    def _act_on_focused_pane(self, key: str, _checked: bool = False) -> None:
        pane = self._focused_pane()
        if pane is None:
            self.statusBar().showMessage("Put the focus in a pane first (Ctrl+1…9).", 5000)
        elif pane.buttons[key].isEnabled() and pane.buttons[key].isVisible():
            pane.buttons[key].trigger()

    def _refresh_reply_actions(self) -> None:
        pane = self._focused_pane()
        for key, action in self.reply_actions.items():
            button = pane.buttons[key] if pane is not None else None
            action.setEnabled(button is None or (button.isEnabled() and button.isVisible()))

    # -- panes ---------------------------------------------------------------------------

    def _rebuild_panes(self) -> None:
        for pane in self.panes:
            pane.setParent(None)
            pane.deleteLater()
        self.panes = []
        for seat in self.controller.session.active_seats:
            pane = SeatPane(seat)
            pane.stop_requested.connect(self.controller.stop)
            pane.retry_requested.connect(self.controller.retry)
            pane.continue_requested.connect(self.controller.continue_reply)
            pane.forward_requested.connect(self._forward)
            pane.quote_requested.connect(self.composer.quote)
            pane.key_requested.connect(self._add_key)
            pane.remove_requested.connect(self._remove_seat)
            pane.view.link_refused.connect(
                lambda url: self.statusBar().showMessage(
                    f"Not opened (only web and mail links open): {url}", 10000
                )
            )
            pane.view.verticalScrollBar().valueChanged.connect(
                lambda value, p=pane: self._scrolled(p, value)
            )
            self.pane_splitter.addWidget(pane)
            self.panes.append(pane)
        self._apply_pane_widths()
        self.composer.set_seats(self.controller.session.active_seats)
        self._rebuild_conversations()

    def _rebuild_conversations(self) -> None:
        for pane in self.panes:
            pane.rebuild(self.controller.session)
        self._refresh_state()

    def _reply_changed(self, _turn_id: str, reply_id: str) -> None:
        try:
            _, reply = self.controller.session.find_reply(reply_id)
        except KeyError:
            return
        for pane in self.panes:
            if pane.seat.id == reply.seat_id:
                if pane.reply is not reply:
                    pane.rebuild(self.controller.session)
                pane.reply_changed(reply)

    def _focus_pane(self, number: int, _checked: bool = False) -> None:
        if 0 < number <= len(self.panes):
            self.panes[number - 1].focus_conversation()

    def _address_only(self, number: int, _checked: bool = False) -> None:
        """Tick only pane ``number`` as the composer's target (a follow-up to one)."""
        if 0 < number <= len(self.panes):
            self.composer.select_only([self.panes[number - 1].seat.id])
            self.composer.editor.setFocus()

    def _sync_toggled(self) -> None:
        if self.sync_action.isChecked() and self.panes:
            self._scrolled(self.panes[0], self.panes[0].view.verticalScrollBar().value())

    def _scrolled(self, source: SeatPane, value: int) -> None:
        if not self.sync_action.isChecked() or self._sync_guard:
            return
        self._sync_guard = True
        try:
            anchors = source.view.turn_anchors()
            height = source.view.document().size().height()
            maximum = max(1, source.view.verticalScrollBar().maximum())
            for pane in self.panes:
                if pane is source:
                    continue
                bar = pane.view.verticalScrollBar()
                aligned = aligned_position(
                    anchors,
                    height,
                    value,
                    pane.view.turn_anchors(),
                    pane.view.document().size().height(),
                )
                # Same turn side by side; by proportion only when no turn lines up.
                target = aligned if aligned is not None else value / maximum * bar.maximum()
                bar.setValue(round(target))
        finally:
            self._sync_guard = False

    # -- turns ---------------------------------------------------------------------------

    def _send(self, text: str, targets: list[str], attachments: list[Attachment]) -> None:
        try:
            self.controller.send(text, targets, attachments)
        except AttachmentError as exc:
            self.composer.show_problems([str(exc)])
            return
        self.composer.sent()

    # -- attachments ---------------------------------------------------------------------

    def attach_files(self, paths: list[Path]) -> None:
        """Read and check ``paths`` off the UI thread, then show them as chips."""
        from desktop.ui.attach_loading import load_files

        self.controller.spawn(self._attach_loaded(load_files(paths, self.controller.limits)))

    def _attach_pasted(self, image: QImage) -> None:
        from desktop.ui.attach_loading import load_pasted_image

        self.controller.spawn(self._attach_loaded(load_pasted_image(image, self.controller.limits)))

    async def _attach_loaded(self, load: Awaitable[list[Loaded | Refused]]) -> None:
        from desktop.ui.attach_loading import Loaded, Refused

        with self.composer.reading():
            results = await load
        for result in results:
            if isinstance(result, Loaded):
                self.composer.add_attachment(result.attachment, result.summary, result.thumbnail)
        self.composer.show_problems([r.message for r in results if isinstance(r, Refused)])

    def _edit_limits(self) -> None:
        dialog = LimitsDialog(self.controller.limits, self)
        if dialog.exec():
            dialog.store(self.settings)
            self.controller.set_limits(dialog.limits())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.attach_files(files)

    def _save_attachment(self) -> None:
        """Save one of the session's attachments back out to a file."""
        attachments = self.controller.session.attachments
        if not attachments:
            self.statusBar().showMessage("This session has no attachments.", 5000)
            return
        # Numbered, so two files of the same name and size are still told apart.
        names = [f"{i}. {a.name} ({human_size(a.size)})" for i, a in enumerate(attachments, 1)]
        choice, ok = QInputDialog.getItem(self, "Save attachment", "Attachment:", names, 0, False)
        if not ok or choice not in names:
            return
        attachment = attachments[names.index(choice)]
        path, _ = QFileDialog.getSaveFileName(self, "Save attachment as", attachment.name)
        if path:
            self.controller.spawn(self._write_attachment(attachment, Path(path)))

    async def _write_attachment(self, attachment: Attachment, path: Path) -> None:
        # Imported here: reading brings Pillow and pypdf, which the first paint can do without.
        from desktop.core.attachments import save_attachment_out

        try:
            await asyncio.to_thread(save_attachment_out, attachment, path)
        except OSError as exc:
            QMessageBox.warning(self, "Save attachment", f"Could not save {path}: {exc.strerror}")
            return
        self.statusBar().showMessage(f"Saved {path}", 5000)

    def _debate(self, targets: list[str]) -> None:
        instruction, ok = QInputDialog.getMultiLineText(
            self, "Debate round", "Each selected seat gets the other seats' latest answers, with:",
            DEFAULT_DEBATE_INSTRUCTION,
        )  # fmt: skip
        if not ok:
            return
        try:
            self.controller.debate_round(targets, instruction.strip() or DEFAULT_DEBATE_INSTRUCTION)
        except ValueError as exc:
            QMessageBox.information(self, "Debate round", str(exc).capitalize() + ".")

    def _forward(self, reply_id: str) -> None:
        session = self.controller.session
        _, reply = session.find_reply(reply_id)
        source = session.seat(reply.seat_id)
        others = [s for s in session.seats if s.id != source.id]
        from desktop.ui.forward_dialog import ForwardDialog

        dialog = ForwardDialog(source, others, self)
        if dialog.exec() and dialog.targets():
            self.controller.forward(
                reply_id, dialog.targets(), dialog.instruction.toPlainText().strip()
            )

    def _edit_lineup(self) -> None:
        if self.controller.busy:
            QMessageBox.information(
                self, "Seats", "Wait for the answers to finish (or stop them) first."
            )
            return
        from desktop.ui.lineup_dialog import LineupDialog

        dialog = LineupDialog(self.controller.session.active_seats, self)
        if dialog.exec():
            self.controller.set_lineup(dialog.seats())

    def _remove_seat(self, seat_id: str) -> None:
        seats = self.controller.session.active_seats
        label = next(s.label for s in seats if s.id == seat_id)
        answer = QMessageBox.question(
            self, "Remove seat", f"Take {label} from the table? Its answers stay in the session."
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.set_lineup([s for s in seats if s.id != seat_id])

    def _add_key(self, provider: str) -> None:
        self.controller.spawn(self._store_key(provider))

    async def _store_key(self, provider: str) -> None:
        from desktop.ui.key_dialog import ask_and_store_key

        if await ask_and_store_key(self, provider):
            self.statusBar().showMessage(
                "Key saved in the OS keyring. Retry the pane to use it.", 15000
            )

    # -- state ---------------------------------------------------------------------------

    def _refresh_state(self) -> None:
        controller = self.controller
        name = controller.path.name if controller.path else "Untitled session"
        suffix = " (read-only)" if controller.read_only else ""
        self.setWindowTitle(f"{name}[*]{suffix} — Roundtable")
        self.setWindowModified(controller.dirty)
        self.stop_action.setEnabled(controller.busy)
        for pane in self.panes:
            pane.set_provider_ready(controller.provider_ready)
        self.composer.block("Waiting for answers…" if controller.busy else "")
        self.statusBar().showMessage(self._totals())

    def _totals(self) -> str:
        tokens_in = tokens_out = 0
        cost = 0.0
        unknown_cost = False
        for turn in self.controller.session.turns:
            for reply in turn.replies:
                if reply.usage is not None:
                    tokens_in += reply.usage.prompt_tokens or 0
                    tokens_out += reply.usage.completion_tokens or 0
                if reply.cost_usd is None and reply.status.is_final and reply.usage is not None:
                    unknown_cost = True
                cost += reply.cost_usd or 0.0
        if unknown_cost and cost == 0:
            cost_text = "cost unknown"
        else:
            cost_text = f"${cost:.4f}" + (" + unknown" if unknown_cost else "")
        return f"Session: {tokens_in:,} tokens in · {tokens_out:,} out · {cost_text}"

    # -- files ---------------------------------------------------------------------------

    def _confirm_discard(self) -> bool:
        if not self.controller.dirty:
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved session",
            "This session has unsaved changes. Save them?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self._save()
        if answer == QMessageBox.StandardButton.Discard:
            self.controller.discard_changes()
            return True
        return False

    def _new(self) -> None:
        if self._confirm_discard():
            # Same lineup, fresh ids: a new session shares nothing with the old one.
            seats = [replace(s, id=new_id()) for s in self.controller.session.active_seats]
            self.controller.new_session(seats)

    def _open_dialog(self) -> None:
        if not self._confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open session", "", FILE_FILTER)
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> bool:
        from desktop.core.transcript import TranscriptError

        try:
            self.controller.open(path)
        except TranscriptError as exc:
            QMessageBox.warning(self, "Cannot open the session", str(exc))
            return False
        self._remember(path)
        return True

    def _save(self) -> bool:
        if self.controller.path is None or self.controller.read_only:
            return self._save_as()
        self.controller.save_in_background()
        return True

    def _save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self, "Save session", "session.json", FILE_FILTER)
        if not path:
            return False
        self.controller.save_in_background(Path(path))
        self._remember(Path(path))
        return True

    def _remember(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self._recent() if p != str(path)]
        self.settings.setValue("recent", recent[:MAX_RECENT])
        self._fill_recent()

    def _recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        return (
            [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])
        )

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self._recent():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(
                lambda _=False, p=path: self._confirm_discard() and self.open_path(Path(p))
            )
        self.recent_menu.setEnabled(bool(self._recent()))

    # -- geometry and closing ------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        sizes = self.settings.value("main_splitter")
        if sizes is not None:
            self.main_splitter.restoreState(sizes)

    def _pane_widths_key(self) -> str:
        # Per seat count: three panes sized for prose say nothing about five.
        return f"pane_widths/{len(self.panes)}"

    def _apply_pane_widths(self) -> None:
        """The widths last chosen for this many panes, else equal widths."""
        count = len(self.panes)
        if not count:
            return
        fractions = _fractions(self.settings.value(self._pane_widths_key()), count)
        total = max(self.pane_splitter.width(), 1000)
        self.pane_splitter.setSizes([max(1, round(f * total)) for f in fractions])

    def _remember_pane_widths(self) -> None:
        sizes = self.pane_splitter.sizes()
        total = sum(sizes)
        if total > 0:
            value = ",".join(f"{size / total:.4f}" for size in sizes)
            self.settings.setValue(self._pane_widths_key(), value)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._confirm_discard():
            event.ignore()
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("main_splitter", self.main_splitter.saveState())
        event.accept()
        self.closed.emit()


def _fractions(stored: object, count: int) -> list[float]:
    """Stored pane widths as fractions, or equal ones when absent or not for ``count``."""
    equal = [1 / count] * count
    if not isinstance(stored, str):
        return equal
    try:
        fractions = [float(part) for part in stored.split(",")]
    except ValueError:
        return equal
    if len(fractions) != count or any(f <= 0 for f in fractions):
        return equal
    return fractions
