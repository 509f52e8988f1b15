"""The ``roundtable`` command's headless modes: each command's module adds its parser
and runs it (``cli_ask``, ``cli_post``, ``cli_library``, ``cli_models``,
``cli_scoreboard``); ``show`` prints a transcript, or what one reply was sent."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop import __version__, cli_ask, cli_library, cli_models, cli_post, cli_scoreboard
from desktop.cli_output import complain, write
from desktop.core.session.plaintext import render_session
from desktop.core.transcript import TranscriptError, load_session

EXIT_OK, EXIT_USAGE = 0, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roundtable",
        description="Side-by-side model debates. Run without a command to open the window.",
    )
    # Answered by desktop.__main__ before any parser; listed here so --help shows it.
    parser.add_argument("--version", action="version", version=f"roundtable {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    cli_ask.add_command(commands)
    show = commands.add_parser("show", help="print a saved transcript readably")
    show.add_argument("session", type=Path, metavar="SESSION.json")
    show.add_argument(
        "--sent",
        metavar="REPLY_ID",
        help="print, as JSON, exactly what that reply was sent: the messages as its seat "
        "received them, each attachment as it went, and the settings (never a key)",
    )
    cli_post.add_commands(commands)
    cli_library.add_commands(commands)
    cli_models.add_commands(commands)
    cli_scoreboard.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``roundtable`` command's headless modes."""
    try:
        return _main(argv)
    except BrokenPipeError:  # `roundtable models | head`: the reader had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "show":
        return _show(args.session, args.sent)
    if args.command == "ask":
        return cli_ask.run(parser, args)
    if args.command in ("export", "post"):
        return cli_post.run(args)
    if args.command in cli_library.COMMANDS:
        return cli_library.run(args)
    if args.command in cli_models.COMMANDS:
        return cli_models.run(args)
    if args.command in cli_scoreboard.COMMANDS:
        return cli_scoreboard.run(args)
    parser.print_help()
    return EXIT_OK


def _show(path: Path, reply_id: str | None = None) -> int:
    try:
        loaded = load_session(path)
    except TranscriptError as exc:
        complain(str(exc))
        return EXIT_USAGE
    for warning in loaded.warnings:
        complain(warning)
    if reply_id is None:
        write(render_session(loaded.session))
        return EXIT_OK
    from desktop.core.session.sent import as_json, what_was_sent

    try:
        sent = what_was_sent(loaded.session, reply_id)
    except KeyError:
        complain(f"{path} has no reply {reply_id!r}; `roundtable show {path}` lists them")
        return EXIT_USAGE
    write(as_json(sent) + "\n")
    return EXIT_OK
