"""The window: arguments, QApplication on a qasync loop, the worker, the main window.

    roundtable [SESSION.json [--approve-endpoints]] [--lineup LINEUP.toml]
               [--send PROMPT [--debate-round [INSTRUCTION]]... [--screenshot OUT.png]]
    roundtable SESSION.json --view post [--screenshot OUT.png]

The GUI process never imports litellm: replies stream from the provider worker, which
is started right after the first paint so its import runs on the other core while the
user types.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.cli_output import complain, tell
from desktop.core.records.model import ReplyStatus, Seat
from desktop.core.session import turns
from desktop.core.session.conversation import DEFAULT_DEBATE_INSTRUCTION
from desktop.core.session.lineup import LineupError, load_lineup, parse_lineup

if TYPE_CHECKING:  # the window's modules load only once QApplication exists
    from desktop.core.session.document import SessionDocument
    from desktop.providers.worker_client import WorkerGateway
    from desktop.ui.shell.main_window import MainWindow
    from desktop.ui.shell.windows import Windows
    from desktop.ui.utils.app_settings import AppSettings

DEFAULT_LINEUP = """
[[seat]]
label = "Claude Opus 4.8"
model = "anthropic/claude-opus-4-8"

[[seat]]
label = "ChatGPT (GPT-5.6)"
model = "openai/gpt-5.6"

[[seat]]
label = "Gemini 3.1 Pro"
model = "gemini/gemini-3.1-pro-preview"
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roundtable", description="Side-by-side model debates.")
    parser.add_argument(
        "sessions", nargs="*", type=Path, metavar="SESSION", help="saved sessions to open"
    )
    parser.add_argument(
        "--approve-endpoints",
        action="store_true",
        help="trust the addresses and key variables the session's seats name (remembered), "
        "as Session → Approve endpoints does; without it a shared file's endpoints get nothing",
    )
    parser.add_argument(
        "--lineup", type=Path, metavar="LINEUP.toml", help="seats for a new session"
    )
    parser.add_argument(
        "--library", type=Path, metavar="DIR", help="the library folder for this run"
    )
    parser.add_argument("--send", metavar="PROMPT", help="send this prompt to every seat at start")
    parser.add_argument(
        "--debate-round",
        dest="debate_rounds",
        action="append",
        nargs="?",
        const=DEFAULT_DEBATE_INSTRUCTION,
        default=[],
        metavar="INSTRUCTION",
        help="with --send: then a debate round (each seat sees the others' answers); repeatable",
    )
    parser.add_argument(
        "--view",
        choices=("panes", "post"),
        default="panes",
        help="what the window shows first: the panes, or the post editor and its preview",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="OUT.png",
        help="with --send: wait until every pane is done or failed, save a PNG of the window, exit",
    )
    return parser


def default_seats() -> list[Seat]:
    """The lineup a first start offers: the current flagship of each big provider."""
    return parse_lineup(DEFAULT_LINEUP, "default lineup")


def main(argv: Sequence[str] | None = None) -> int:
    """Open the window; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # The first in this window, any others each in one more (a desktop's "open with").
    args.session, args.more_sessions = (args.sessions or [None])[0], args.sessions[1:]
    if args.more_sessions and (args.approve_endpoints or args.view == "post" or args.send):
        parser.error("--approve-endpoints, --view post and --send take one SESSION")
    if args.screenshot and not (args.send or args.view == "post"):
        parser.error("--screenshot needs --send, or --view post")
    if args.view == "post" and args.send:
        parser.error("--view post shows a saved session: use it without --send")
    if args.debate_rounds and not args.send:
        parser.error("--debate-round needs --send")
    if args.approve_endpoints and args.session is None:
        parser.error("--approve-endpoints needs a SESSION.json")
    try:
        seats = load_lineup(args.lineup) if args.lineup else None
    except LineupError as exc:
        complain(str(exc))
        return 2
    from desktop import platform_check

    trouble = platform_check.problem()
    if trouble is not None:  # said now: Qt would abort the process, naming one library
        tell(trouble)
        return 1

    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from desktop.ui.shell import appearance
    from desktop.ui.utils.app_settings import AppSettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Roundtable")
    app.setOrganizationName("Roundtable")
    app.setQuitOnLastWindowClosed(False)
    # Wayland matches windows to the menu entry by this; the icon is the window's too.
    app.setDesktopFileName("org.roundtable.Roundtable")
    app.setWindowIcon(QIcon(str(ICON)))
    if _interactive(args) and _handed_over(args.sessions):
        return 0
    settings = AppSettings()  # the app's: every window's
    appearance.follow(settings)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        return runner.run(_run(args, seats, settings))


ICON = (
    Path(__file__).resolve().parent.parent / "resources" / "icons" / "org.roundtable.Roundtable.svg"
)
WORKER_START_ATTEMPTS = 3
APPROVALS_FILE = "approved-endpoints.json"  # in the user's config folder


async def _run(args: argparse.Namespace, seats: list[Seat] | None, settings: AppSettings) -> int:
    from desktop.providers.worker_client import WorkerGateway

    gateway = WorkerGateway()
    # First, before the window's modules are even imported: the worker's litellm import
    # (seconds) bounds the first answer, and runs in its own process meanwhile.
    await gateway.start()

    import platformdirs

    from desktop.core.trust import Approvals
    from desktop.ui.library.recovery import offer_recovery
    from desktop.ui.shell.single_instance import InstanceServer
    from desktop.ui.shell.windows import Windows
    from desktop.ui.table.code_highlighter import warm_up_in_background

    approvals = Approvals(Path(platformdirs.user_config_dir("roundtable")) / APPROVALS_FILE)
    if seats:  # --lineup: the user's own file, trusted as typed
        with contextlib.suppress(OSError):  # not kept for next time, but holds till quit
            approvals.approve(seats)
    windows = Windows(gateway, approvals, default_seats(), settings, args.library)
    # Later launches hand their sessions to this one (a scripted run keeps to itself).
    instance = InstanceServer(windows.open) if _interactive(args) else None
    if instance is not None and not instance.listen():
        instance = None
        # Two launches at once: the other one won, so it gets this one's sessions too.
        if _handed_over(args.sessions):
            await gateway.aclose()
            return 0
    window, no_recovery = windows.new_window()
    document = window.document
    opened = False
    if args.session is not None:
        # A file that cannot be opened is said so; a new session stands in for it.
        opened = window.files.open_path(args.session)
        if not opened:
            document.new(seats or default_seats())
        elif args.approve_endpoints:
            _approve(window, document)
    # Scripted runs never stop to ask; a recovery file they skip stays for the next start.
    elif args.send or not await offer_recovery(window, document):
        document.new(seats or default_seats())
        # Nothing asked for: the start page (the sample, recent sessions, how to add keys).
        if not (args.send or seats):
            window.show_start(True)
            window.tasks.spawn(window.find_local())
    window.show()
    if args.more_sessions:
        windows.open(args.more_sessions)
    drawn = asyncio.Event()
    if args.view == "post":  # only then: the post view is built when first wanted
        window.post_view.rendered.connect(drawn.set)
        window.show_post(True)
    if no_recovery:
        from desktop.ui.utils.dialogs import warn

        warn(window, "No crash recovery", no_recovery)
    await asyncio.sleep(0)  # let the first paint happen before the highlighter warms up
    warm_up_in_background()
    warming = asyncio.ensure_future(_tell_when_warm(windows, gateway))
    try:
        if args.send:
            code = await _send(document, window, args.send, args.debate_rounds, args.screenshot)
            if args.screenshot is not None:
                return code
        elif args.screenshot is not None:  # --view post
            if not opened:
                return 2
            await drawn.wait()
            window.grab().save(str(args.screenshot))
            return 0
        await windows.all_closed.wait()
        return 0
    finally:
        warming.cancel()
        if instance is not None:
            instance.close()
        await windows.close_all()
        await gateway.aclose()


def _interactive(args: argparse.Namespace) -> bool:
    """Whether this launch is a person's, which a later launch may hand sessions to."""
    scripted = args.send or args.screenshot or args.view == "post" or args.approve_endpoints
    return not (scripted or args.lineup or args.library)


def _handed_over(sessions: list[Path]) -> bool:
    """Give ``sessions`` to the Roundtable already running, if one is; whether it took them."""
    from desktop.ui.shell.single_instance import hand_over

    if not hand_over(sessions):
        return False
    tell("Opened in the Roundtable already running.")
    return True


def _approve(window: MainWindow, document: SessionDocument) -> None:
    """Approve what the opened session's seats name, as the user asked on the command line."""
    assert document.approvals is not None
    try:
        document.approvals.approve(document.session.active_seats)
    except OSError as exc:  # approved until quit, as in the dialog
        window.say(f"Approved until Roundtable quits; not kept: {exc.strerror or exc}")
    window.approval.refresh()


async def _tell_when_warm(windows: Windows, gateway: WorkerGateway) -> None:
    """Tell the panes once the worker is warm; a worker that dies while starting is
    started again a few times, and then the panes stop saying "waiting": each request
    starts it once more and a failure shows in its pane."""
    for attempt in range(WORKER_START_ATTEMPTS):
        if await gateway.wait_ready():
            break
        for window in windows.windows:
            window.say(f"The provider worker stopped while starting (try {attempt + 1}).")
        await asyncio.sleep(attempt + 1)  # not a tight loop when it dies at once each time
    windows.set_provider_ready()


async def _send(
    document: SessionDocument,
    window: MainWindow,
    prompt: str,
    debate_rounds: list[str],
    screenshot: Path | None,
) -> int:
    """Send ``prompt`` to every seat, run the debate rounds, wait; save a PNG if asked.

    Returns 0 when every reply completed, 1 when one did not.
    """
    await document.send(prompt)
    for instruction in debate_rounds:
        try:
            turn = document.append(turns.debate_round(document.session, instruction=instruction))
        except ValueError as exc:  # no answers to debate: every seat failed, say
            complain(f"no debate round: {exc}")
            break
        await document.run(turn)
    failed = any(
        r.status is not ReplyStatus.COMPLETE for t in document.session.turns for r in t.replies
    )
    if screenshot is not None:
        window.grab().save(str(screenshot))  # grab() paints the window as it is now
    return 1 if failed else 0
