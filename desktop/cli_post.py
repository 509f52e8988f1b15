"""``roundtable export`` and ``roundtable post import``: a session becomes a post.

    roundtable export SESSION.json --to markdown|html|cards -o OUT
    roundtable post import SESSION.json OTHER.json --seat LABEL_OR_ID [--turns ID,...]

Exit 0 when done, 1 when the export was written but problems were reported (a quote
that no longer matches its answer), 2 for a usage error or a damaged file or post, named
with its block; nothing is half-written. Cards need Qt, which runs offscreen here.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from desktop.cli_output import complain, say
from desktop.core.post.export import FORMATS, rendered_files
from desktop.core.post.importing import ImportRefused, add_imported, exchanges_of
from desktop.core.post.plan import Exchange, PostError, Section, plan_post
from desktop.core.transcript import TranscriptError, dumps, load_session
from desktop.core.utils.atomic import write_atomic

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export`` and ``post`` to the ``roundtable`` command's subcommands."""
    export = commands.add_parser(
        "export",
        help="write a session's post as Markdown, one HTML page, or card pictures",
        description="Write the session's post (or, with no post, its default: a section "
        "per seat, every exchange with its answer).",
    )
    export.add_argument("session", type=Path, metavar="SESSION.json")
    export.add_argument("--to", required=True, choices=FORMATS, help="what to write")
    export.add_argument(
        "-o", "--output", required=True, type=Path, metavar="OUT",
        help="the file (markdown, html) or folder (cards) to write",
    )  # fmt: skip
    post = commands.add_parser("post", help="work on a session's post")
    actions = post.add_subparsers(dest="post_command", metavar="ACTION", required=True)
    imported = actions.add_parser(
        "import",
        help="copy one seat's exchanges from another session into this one's post",
        description="Copy a seat's exchanges (prompts, its replies, their files) from "
        "OTHER.json into SESSION.json, with where they came from, and add a section for "
        "them to the post. SESSION.json stays self-contained.",
    )
    imported.add_argument("session", type=Path, metavar="SESSION.json")
    imported.add_argument("other", type=Path, metavar="OTHER.json")
    imported.add_argument("--seat", required=True, metavar="LABEL_OR_ID")
    imported.add_argument("--turns", metavar="ID,...", help="only these turns (default: all)")


def run(args: argparse.Namespace) -> int:
    """Carry out ``export`` or ``post import``; the exit status."""
    try:
        if args.command == "export":
            return _export(args.session, args.to, args.output)
        return _import(args.session, args.other, args.seat, args.turns)
    except (TranscriptError, PostError, _Refused) as exc:
        complain(str(exc))
        return EXIT_USAGE
    except OSError as exc:  # a folder, a full disk, no permission: nothing was written
        where = f"{exc.filename}: " if exc.filename else ""
        complain(f"{where}{exc.strerror or exc}")
        return EXIT_USAGE


class _Refused(Exception):
    pass


# -- export -----------------------------------------------------------------------------


def _export(path: Path, to: str, output: Path) -> int:
    session = load_session(path).session
    try:
        plan = plan_post(session)
    except PostError as exc:
        raise PostError(f"{path}: {exc}") from None
    files = rendered_files(plan, to, output, _paint_offscreen)  # in memory: nothing half-written
    for target, data in files.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    for warning in plan.warnings:
        complain(f"{path}: {warning}")
    return EXIT_PROBLEMS if plan.warnings else EXIT_OK


def _paint_offscreen(section: Section, exchange: Exchange, with_prompt: bool) -> list[bytes]:
    """A card drawn by Qt offscreen: this command's own process, never the window's."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from desktop.ui.post.cards import render_card

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    return render_card(section, exchange, with_prompt)


# -- import -----------------------------------------------------------------------------


def _import(path: Path, other_path: Path, seat_name: str, turns: str | None) -> int:
    session = load_session(path).session
    other = load_session(other_path).session
    seats = [s for s in other.seats if seat_name in (s.id, s.label)]
    if len(seats) != 1:
        labels = ", ".join(s.label for s in other.seats)
        many = "names several seats" if seats else "names no seat"
        raise _Refused(f"{other_path}: --seat {seat_name!r} {many} (its seats: {labels})")
    try:
        imported = exchanges_of(other, seats[0], turns.split(",") if turns else None)
        add_imported(session, imported)
    except ImportRefused as exc:
        raise _Refused(f"{other_path}: {exc}") from None
    write_atomic(path, dumps(session))
    count, label = len(imported.source.turns), imported.seat.label
    say(f"Imported {count} exchanges of {label} into {path}.")
    return EXIT_OK
