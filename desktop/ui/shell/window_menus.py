"""The main window's menus and shortcuts, assembled from what each feature offers.

The window hands over its parts (:class:`MenuParts`: each feature's actions object and
the few window operations the menus call), never itself, so this module does not know
the main window and the main window alone knows how its parts are made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from desktop.ui.composer.attachment_actions import AttachmentActions
from desktop.ui.composer.composer import Composer
from desktop.ui.composer.turn_actions import TurnActions
from desktop.ui.composer.verdict_actions import VerdictActions
from desktop.ui.library.actions import LibraryActions
from desktop.ui.library.review_actions import ReviewActions
from desktop.ui.marks.annotation_actions import AnnotationActions
from desktop.ui.marks.annotation_list import AnnotationList
from desktop.ui.marks.vote_actions import VoteActions
from desktop.ui.settings import team_gateway
from desktop.ui.settings.endpoint_approval import EndpointApproval
from desktop.ui.settings.keys_dialog import open_keys
from desktop.ui.settings.session_settings import edit_budget, edit_tags
from desktop.ui.shell import appearance
from desktop.ui.shell.file_actions import FileActions
from desktop.ui.table.pane import SeatPane
from desktop.ui.table.pane_strip import PaneStrip
from desktop.ui.table.reply_actions import REPLY_ACTIONS
from desktop.ui.utils.window_context import WindowContext

if TYPE_CHECKING:  # the post editor is imported when first opened, not for the first paint
    from desktop.ui.post.view import PostView

Shortcut = str | QKeySequence | QKeySequence.StandardKey | None


@dataclass
class Menus:
    """The actions other parts of the window enable, check or trigger."""

    stop_all: QAction
    sync: QAction
    post: QAction
    quit: QAction  # the app's windows (desktop.ui.shell.windows) take it over
    reply_actions: dict[str, QAction] = field(default_factory=dict)
    live: list[QAction] = field(default_factory=list)  # what sends or changes the table
    annotation_actions: list[QAction] = field(default_factory=list)


@dataclass(frozen=True)
class MenuParts:
    """What the menus act on: the window (their parent) and each feature's actions."""

    window: QMainWindow
    context: WindowContext
    files: FileActions
    turns: TurnActions
    composer: Composer
    attachments: AttachmentActions
    library: LibraryActions
    review: ReviewActions
    annotations: AnnotationActions
    annotation_list: AnnotationList
    approval: EndpointApproval
    strip: PaneStrip
    post_view: Callable[[], PostView]  # made when first asked for
    show_post: Callable[[bool], None]
    verdicts: VerdictActions
    votes: VoteActions


def build_menus(parts: MenuParts) -> Menus:
    """Fill the window's menu bar; returns the actions it needs later."""
    menus: dict[str, QMenu] = {}
    window, context, tasks = parts.window, parts.context, parts.context.tasks

    def add(menu_name: str, text: str, slot: Callable[[], object], key: Shortcut = None) -> QAction:
        menu = menus.get(menu_name)
        if menu is None:
            menu = menus[menu_name] = window.menuBar().addMenu(menu_name)
        action = QAction(text, window)
        if key is not None:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    files, turns, composer = parts.files, parts.turns, parts.composer
    add("&File", "&New session", files.new, QKeySequence.StandardKey.New)
    add("&File", "&Open…", files.open_dialog, QKeySequence.StandardKey.Open)
    menus["&File"].addMenu(files.recent_menu)
    add("&File", "&Library…", parts.library.show, "Ctrl+Shift+O")
    files.fill_recent()
    add("&File", "&Save", lambda: tasks.spawn(files.save()), QKeySequence.StandardKey.Save)
    add("&File", "Save &as…", lambda: tasks.spawn(files.save_as()), "Ctrl+Shift+S")
    add(
        "&File",
        "Save a&ttachment…",
        lambda: tasks.spawn(parts.attachments.save_attachment()),
    )

    def add_from_another_session() -> None:
        from desktop.ui.post.add_from_session import add_from_session

        tasks.spawn(add_from_session(context, parts.post_view(), lambda: parts.show_post(True)))

    add("&File", "Add from sess&ion…", add_from_another_session)
    add("&File", "&Close window", window.close, QKeySequence.StandardKey.Close)
    quit_app = add("&File", "&Quit", QApplication.closeAllWindows, QKeySequence.StandardKey.Quit)
    menus["&Edit"] = edit = window.menuBar().addMenu("&Edit")
    undo_stack = parts.annotations.undo
    for action, key in (
        (undo_stack.createUndoAction(window, "&Undo"), QKeySequence.StandardKey.Undo),
        (undo_stack.createRedoAction(window, "&Redo"), QKeySequence.StandardKey.Redo),
    ):
        action.setShortcuts(key)  # every binding the platform has (Ctrl+Shift+Z, Ctrl+Y)
        edit.addAction(action)
    live = [
        add("&Session", "&Send", composer.submit, "Ctrl+Return"),
        add(
            "&Session",
            "&Attach files…",
            lambda: tasks.spawn(parts.attachments.choose_files()),
            "Ctrl+Shift+A",
        ),
    ]
    add(
        "&Session",
        "Attachment &limits…",
        lambda: tasks.spawn(parts.attachments.edit_limits()),
    )
    stop_all = add("&Session", "S&top all", context.document.stop_all, "Esc")
    live.append(
        add("&Session", "&Debate round…", lambda: turns.debate(composer.selected()), "Ctrl+D")
    )
    live.append(add("&Session", "Ask the c&hair…", parts.verdicts.ask_chair, "Ctrl+J"))
    live.append(add("&Session", "&Peer review round", parts.verdicts.peer_review))
    live.append(add("&Session", "Seats at the &table…", turns.edit_lineup, "Ctrl+T"))
    add("&Session", "Approve &endpoints…", lambda: parts.approval.offer(asked=True))
    add("&Session", "Ta&gs…", lambda: tasks.spawn(edit_tags(context, undo_stack)))
    add("&Session", "&Budget…", lambda: tasks.spawn(edit_budget(context, undo_stack)))
    add("Se&ttings", "&Keys…", lambda: open_keys(context))
    add("Se&ttings", "Team &gateway…", lambda: tasks.spawn(team_gateway.edit(context)))
    sync = add(
        "&View",
        "&Sync scrolling (turns side by side)",
        lambda: parts.strip.set_sync_scrolling(sync.isChecked()),
    )
    sync.setCheckable(True)
    add("&View", "Focus &composer", lambda: composer.editor.setFocus(), "Ctrl+L")
    menus["&View"].addMenu(_appearance_menu(window, context))
    post = add("&View", "&Post", lambda: parts.show_post(post.isChecked()), "Ctrl+P")
    post.setCheckable(True)
    annotations = parts.annotation_list.toggleViewAction()
    annotations.setText("&Annotations")
    annotations.setShortcut(QKeySequence("Ctrl+Shift+L"))
    menus["&View"].addAction(annotations)
    for number in range(1, 10):
        pane = f"pane &{number}"
        add("&View", f"Focus {pane}", partial(_focus_pane, parts.strip, number), f"Ctrl+{number}")
        only = partial(_address_only, parts, number)
        live.append(add("&Session", f"Address only {pane}", only, f"Alt+{number}"))
    result = Menus(stop_all, sync, post, quit_app, live=live)
    # The pane buttons again, for the pane that has the focus (Ctrl+1…9 puts it there),
    # so each reply's actions are reachable from the keyboard.
    for spec in REPLY_ACTIONS:
        result.reply_actions[spec.key] = add(
            "&Reply", spec.menu, partial(_act_on_focused_pane, parts, spec.key), spec.shortcut
        )
    notes = parts.annotations
    menus["&Reply"].addSeparator()
    result.annotation_actions = [
        add("&Reply", "&Highlight selection", notes.highlight, "Ctrl+Shift+H"),
        add("&Reply", "Co&mment on selection…", notes.comment, "Ctrl+Shift+M"),
        add("&Reply", "St&ar answer", notes.star, "Ctrl+Shift+B"),
        add("&Reply", "React to &answer…", notes.react, "Ctrl+Shift+E"),
        add(
            "&Reply",
            "Quote in &post",
            lambda: parts.post_view().quote(parts.strip.focused()),
            "Ctrl+Shift+P",
        ),
        add("&Reply", "React to s&eat…", lambda: notes.react(to_seat=True)),
        add("&Reply", "&Vote best answer", parts.votes.best, "Ctrl+Shift+V"),
        add("&Reply", "Vote &against another…", parts.votes.versus),
        add("&Reply", "Compare &with…", lambda: parts.review.compare(parts.strip.focused())),
        add(
            "&Reply",
            "Copy as pi&cture",
            lambda: parts.post_view().output.copy_picture(parts.strip.focused()),
        ),
    ]
    add("&Help", "&About Roundtable", partial(_about, window))
    reply_menu = menus["&Reply"]
    reply_menu.aboutToShow.connect(partial(_refresh_reply_actions, parts.strip, result))
    # Enabled again once the menu closes: the focus may move to another pane.
    reply_menu.aboutToHide.connect(partial(_enable_reply_actions, result))
    return result


LIVE_REPLY_ACTIONS = ("stop", "retry", "continue", "forward", "quote", "remove")


def set_live(menus: Menus, panes: list[SeatPane], live: bool) -> None:
    """Review mode off (``live``) or on: what sends or changes the table, on or off."""
    for action in menus.live:
        action.setEnabled(live)
    for pane in panes:
        for key in LIVE_REPLY_ACTIONS:
            pane.buttons[key].setVisible(live)
    if not live and panes:  # the composer had the focus; shortcuts need one
        panes[0].focus_conversation()


def _about(window: QMainWindow) -> None:
    # Imported when asked for: reading package metadata is not for the first paint.
    from desktop.ui.shell.about_dialog import show_about

    show_about(window)


def _appearance_menu(window: QMainWindow, context: WindowContext) -> QMenu:
    """View → Appearance: as the system says, light or dark (the one chosen checked, as
    the settings say when the menu opens: another window may have changed it)."""
    menu = QMenu("&Appearance", window)
    group = QActionGroup(menu)
    choices = {}
    for choice, text in (("system", "As the &system"), ("light", "&Light"), ("dark", "&Dark")):
        action = choices[choice] = QAction(text, menu, checkable=True)
        action.triggered.connect(partial(appearance.choose, context.app_settings, choice))
        group.addAction(action)
        menu.addAction(action)

    def check_chosen() -> None:
        choices[context.app_settings.appearance()].setChecked(True)

    check_chosen()
    menu.aboutToShow.connect(check_chosen)
    return menu


def _focus_pane(strip: PaneStrip, number: int, _checked: bool = False) -> None:
    pane = strip.pane(number)
    if pane is not None:
        pane.focus_conversation()


def _address_only(parts: MenuParts, number: int, _checked: bool = False) -> None:
    """Tick only pane ``number`` as the composer's target (a follow-up to one)."""
    pane = parts.strip.pane(number)
    if pane is not None:
        parts.composer.select_only([pane.seat.id])
        parts.composer.editor.setFocus()


def _act_on_focused_pane(parts: MenuParts, key: str, _checked: bool = False) -> None:
    pane = parts.strip.focused()
    if pane is None:
        parts.context.say("Put the focus in a pane first (Ctrl+1…9).")
    elif pane.buttons[key].isEnabled() and pane.buttons[key].isVisible():
        pane.buttons[key].trigger()


def _refresh_reply_actions(strip: PaneStrip, menus: Menus) -> None:
    pane = strip.focused()
    for key, action in menus.reply_actions.items():
        button = pane.buttons[key] if pane is not None else None
        action.setEnabled(button is None or (button.isEnabled() and button.isVisible()))


def _enable_reply_actions(menus: Menus) -> None:
    for action in menus.reply_actions.values():
        action.setEnabled(True)
