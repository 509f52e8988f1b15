"""Headless commands: ``roundtable ask`` and ``roundtable show``.

``ask`` runs a lineup through the same engine as the window, every seat at once per
turn, and always writes the transcript: when seats fail, and on Ctrl+C too.
Exit status: 0 every reply complete, 1 a reply failed, 2 usage error (including a file
given with --attach that cannot be sent; then nothing is sent), 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop.core import attachments
from desktop.core.conversation import DEFAULT_DEBATE_INSTRUCTION
from desktop.core.engine import Engine
from desktop.core.lineup import LineupError, load_lineup
from desktop.core.model import Attachment, ReplyStatus, Session, Turn, TurnKind
from desktop.core.plaintext import render_session
from desktop.core.transcript import TranscriptError, dumps, load_session, save_session, write_atomic

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
AUTOSAVE_SECONDS = 2.0


class _Step(argparse.Action):
    """Collects --follow-up and --debate-round in the order they were given."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        steps = list(getattr(namespace, "steps", None) or [])
        kind = TurnKind.FOLLOW_UP if option_string == "--follow-up" else TurnKind.DEBATE_ROUND
        steps.append((kind, values))
        namespace.steps = steps


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roundtable",
        description="Side-by-side model debates. Run without a command to open the window.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ask = commands.add_parser(
        "ask",
        help="send a prompt (and follow-ups, debate rounds) to every seat of a lineup",
        description="Send PROMPT to every seat of the lineup at once, then each --follow-up "
        "and --debate-round in the order given, and write the transcript.",
    )
    ask.add_argument("prompt", metavar="PROMPT", help="the first prompt, sent to every seat")
    ask.add_argument("--lineup", required=True, type=Path, metavar="LINEUP.toml", help="the seats")
    ask.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="SESSION.json",
        help="transcript to write",
    )
    ask.add_argument(
        "--follow-up", action=_Step, dest="steps", metavar="TEXT", help="a follow-up to every seat"
    )
    ask.add_argument(
        "--debate-round",
        action=_Step,
        dest="steps",
        nargs="?",
        const=None,
        metavar="INSTRUCTION",
        help="each seat gets the others' latest answers (optional instruction)",
    )
    ask.add_argument(
        "--attach",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a file sent with the prompt to every seat (repeatable): an image, a PDF or text",
    )
    ask.add_argument(
        "--max-file-mb",
        type=_megabytes,
        default=attachments.DEFAULT_LIMITS.per_file / attachments.MB,
        metavar="MB",
        help="the largest file --attach takes (default: %(default)g MB)",
    )
    ask.add_argument(
        "--max-turn-mb",
        type=_megabytes,
        default=attachments.DEFAULT_LIMITS.per_turn / attachments.MB,
        metavar="MB",
        help="the most all --attach files of the prompt may add up to (default: %(default)g MB)",
    )
    ask.add_argument("--title", default="", help="the session's title")
    ask.add_argument(
        "--timeout", type=float, default=300.0, help="seconds of provider silence before giving up"
    )
    show = commands.add_parser("show", help="print a saved transcript readably")
    show.add_argument("session", type=Path, metavar="SESSION.json")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``roundtable`` command's headless modes."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "show":
        return _show(args.session)
    if args.command == "ask":
        return _ask(parser, args)
    parser.print_help()
    return EXIT_OK


def _show(path: Path) -> int:
    try:
        loaded = load_session(path)
    except TranscriptError as exc:
        print(f"roundtable: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for warning in loaded.warnings:
        print(f"roundtable: {warning}", file=sys.stderr)
    sys.stdout.write(render_session(loaded.session))
    return EXIT_OK


def _ask(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        seats = load_lineup(args.lineup)
    except LineupError as exc:
        print(f"roundtable: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.prompt.strip():
        parser.error("the prompt is empty")
    output: Path = args.output
    if not output.parent.is_dir():
        print(
            f"roundtable: cannot write {output}: folder {output.parent} does not exist",
            file=sys.stderr,
        )
        return EXIT_USAGE
    # Every file is checked before anything is sent: one that can't go stops it all.
    limits = attachments.AttachmentLimits(
        per_file=round(args.max_file_mb * attachments.MB),
        per_turn=round(args.max_turn_mb * attachments.MB),
    )
    try:
        files = [attachments.read_attachment(path, limits) for path in args.attach]
        attachments.check_turn_size(files, limits)
    except attachments.AttachmentError as exc:
        print(f"roundtable: cannot attach {exc}", file=sys.stderr)
        return EXIT_USAGE
    session = Session(title=args.title, seats=seats)
    steps = [(TurnKind.PROMPT, args.prompt), *(args.steps or [])]
    return asyncio.run(_run(session, steps, files, output, args.timeout))


async def _run(
    session: Session,
    steps: list[tuple[TurnKind, str | None]],
    files: list[Attachment],
    output: Path,
    silence_limit: float,
) -> int:
    # Imported here so `roundtable show` and --help never pay for the gateway.
    from desktop.cli_progress import Progress
    from desktop.providers.gateway import LiteLLMGateway

    progress = Progress(session, sys.stderr)
    gateway = LiteLLMGateway(timeout=silence_limit)
    engine = Engine(session, gateway, on_change=progress.changed)
    interrupted = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_interrupt() -> None:
        interrupted.set()
        engine.stop_all()
        # A second Ctrl+C gets Python's default behaviour.
        loop.remove_signal_handler(signal.SIGINT)

    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows loops
        loop.add_signal_handler(signal.SIGINT, on_interrupt)
    autosave = asyncio.create_task(_autosave(session, output))
    failed_step = False
    try:
        for number, (kind, text) in enumerate(steps, 1):
            if interrupted.is_set():
                break
            try:
                turn = _add(engine, kind, text, files if kind is TurnKind.PROMPT else [])
            except ValueError as exc:
                print(f"roundtable: skipping the {_describe(kind)}: {exc}", file=sys.stderr)
                failed_step = True
                continue
            progress.begin_turn(turn, f"Turn {number}/{len(steps)}: {_describe(kind)}")
            await engine.run(turn)
            progress.end_turn()
            save_session(session, output)
    finally:
        autosave.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await autosave
        save_session(session, output)
        await gateway.aclose()
    print(f"Transcript written to {output}", file=sys.stderr)
    if interrupted.is_set():
        print("Interrupted: the text so far is kept, marked stopped.", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK if _all_complete(session) and not failed_step else EXIT_FAILED


def _add(engine: Engine, kind: TurnKind, text: str | None, files: list[Attachment]) -> Turn:
    if kind is TurnKind.DEBATE_ROUND:
        return engine.add_debate_round(instruction=text or DEFAULT_DEBATE_INSTRUCTION)
    return engine.add_turn(kind, text or "", attachments=files)


def _describe(kind: TurnKind) -> str:
    return {
        TurnKind.PROMPT: "prompt",
        TurnKind.FOLLOW_UP: "follow-up",
        TurnKind.DEBATE_ROUND: "debate round",
        TurnKind.FORWARD: "forward",
    }[kind]


async def _autosave(session: Session, output: Path) -> None:
    """Save while streaming, so a hard kill loses at most a couple of seconds."""
    saved_at = session.updated_at
    while True:
        await asyncio.sleep(AUTOSAVE_SECONDS)
        if session.updated_at != saved_at:
            saved_at = session.updated_at
            # Serialise here (the session is only touched on this thread); write off it.
            await asyncio.to_thread(write_atomic, output, dumps(session))


def _all_complete(session: Session) -> bool:
    for turn in session.turns:
        for seat_id in turn.targets:
            reply = turn.latest_reply(seat_id)
            if reply is None or reply.status is not ReplyStatus.COMPLETE:
                return False
    return True


def _megabytes(text: str) -> float:
    """A size limit in MB from the command line: a number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of megabytes") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("a size limit must be above 0 MB")
    return value
