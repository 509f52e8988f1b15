"""``roundtable scoreboard``: who has won so far, from the library's votes.

    roundtable scoreboard [--library DIR] [--tag T] [--since DATE] [--json]

A line per model: the author's votes (won, lost, tied; how many wins were blind), its
Bradley-Terry strength with a 95 % interval ("not enough votes" under five), its average
place in peer reviews, stars and reactions. ``--json`` prints one object per model with
fixed keys. Exit 0 with or without votes, 2 for a usage error.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from desktop.cli_output import complain, json_line, say
from desktop.core.library.folder import Library, default_folder
from desktop.core.library.scoreboard import ModelLine, sessions_in, strength_text, tally

EXIT_OK, EXIT_USAGE = 0, 2
COMMANDS = ("scoreboard",)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``scoreboard`` to the ``roundtable`` command's subcommands."""
    board = commands.add_parser(
        "scoreboard", help="who has won so far: votes, strengths, peer ranks, stars"
    )
    board.add_argument(
        "--library", type=Path, metavar="DIR", help=f"the library folder ({default_folder()})"
    )
    board.add_argument("--tag", metavar="T", help="only the sessions tagged T")
    board.add_argument("--since", metavar="DATE", help="only the sessions since DATE (2026-12-01)")
    board.add_argument("--json", action="store_true", help="one JSON object per model line")


def run(args: argparse.Namespace) -> int:
    """Carry out ``scoreboard``; the exit status."""
    since = None
    if args.since is not None:
        try:
            since = datetime.fromisoformat(args.since)
        except ValueError:
            complain(f"--since takes a date such as 2026-12-01, not {args.since!r}")
            return EXIT_USAGE
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
    library = Library(args.library or default_folder())
    try:
        lines = tally(sessions_in(library), args.tag, since)
    finally:
        library.close()
    if args.json:
        for line in lines:
            say(json_line(line.as_json()))
    else:
        for text in table(lines):
            say(text)
    return EXIT_OK


def table(lines: list[ModelLine]) -> list[str]:
    """The board as lines of text, a header first."""
    if not lines:
        return ["No votes yet: vote in a session (Reply → Vote) and save it in the library."]
    rows = [("model", "label", "votes", "won", "lost", "tied", "blind", "strength (95 %)",
             "peer", "★", "reactions")]  # fmt: skip
    for line in lines:
        peer = f"{line.peer_rank:g}" if line.peer_rank is not None else "—"
        rows.append((line.model, line.label, str(line.votes), str(line.wins), str(line.losses),
                     str(line.ties), str(line.blind_wins), strength_text(line), peer,
                     str(line.stars), str(line.reactions)))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows]  # fmt: skip
