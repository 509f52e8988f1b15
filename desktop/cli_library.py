"""``roundtable list`` and ``roundtable search``: the library from a terminal.

    roundtable list [--library DIR] [--json]
    roundtable search QUERY [--library DIR] [--json] [--limit N]

Both bring the index up to date with the files first. QUERY is FTS5's syntax: words,
"phrases", OR, prefix*. ``--json`` prints one object per line. Exit 0 with results or
none, 2 for a usage error (a query the index cannot run).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli_output import complain, json_line, say
from desktop.core.library.folder import Library, default_folder
from desktop.core.library.index import MARK_END, MARK_START, Entry, Hit, QueryError

EXIT_OK, EXIT_USAGE = 0, 2
COMMANDS = ("list", "search")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``list`` and ``search`` to the ``roundtable`` command's subcommands."""
    listing = commands.add_parser(
        "list", help="list the library's sessions, newest first (damaged ones with why)"
    )
    search = commands.add_parser(
        "search",
        help="search every prompt, answer, comment and post in the library",
        description='QUERY is FTS5 syntax: words, "a phrase", OR, NOT, prefix*.',
    )
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results")
    for command in (listing, search):
        command.add_argument(
            "--library", type=Path, metavar="DIR", help=f"the library folder ({default_folder()})"
        )
        command.add_argument("--json", action="store_true", help="one JSON object per line")


def run(args: argparse.Namespace) -> int:
    """Carry out ``list`` or ``search``; the exit status."""
    if args.command == "search" and args.limit < 1:
        complain("--limit must be 1 or more")
        return EXIT_USAGE
    library = Library(args.library or default_folder())
    try:
        library.refresh()
        if args.command == "list":
            for entry in library.index.entries():
                say(_listed(entry, args.json))
            return EXIT_OK
        try:
            hits = library.index.search(args.query, args.limit)
        except QueryError as exc:
            complain(str(exc))
            complain('words, "a phrase", OR, NOT and prefix* work; quote other text.')
            return EXIT_USAGE
        for hit in hits:
            say(_found(hit, args.json), None if args.json else (MARK_START, MARK_END))
        return EXIT_OK
    finally:
        library.close()


def _listed(entry: Entry, as_json: bool) -> str:
    if as_json:
        return json_line(
            {
                "path": entry.path, "session_id": entry.session_id, "title": entry.title,
                "updated_at": entry.updated_at, "seats": entry.seats, "turns": entry.turns,
                "damaged": entry.damaged,
            }
        )  # fmt: skip
    if entry.damaged:
        return f"{entry.path}  damaged: {entry.damaged}"
    title = entry.title or entry.first_prompt[:60] or "(untitled)"
    when = entry.updated_at[:16].replace("T", " ")
    draft = "  (draft)" if entry.draft else ""
    return f"{when}  {title}  [{', '.join(entry.seats)}]{draft}  {entry.path}"


def _found(hit: Hit, as_json: bool) -> str:
    snippet = " ".join(hit.snippet.split())
    if as_json:
        return json_line(
            {
                "path": hit.path, "session_id": hit.session_id, "title": hit.title,
                "turn_id": hit.turn_id or None, "reply_id": hit.reply_id or None,
                "seat": hit.seat or None,
                "snippet": snippet.replace(MARK_START, "[").replace(MARK_END, "]"),
            }
        )  # fmt: skip
    title = hit.title or "(untitled)"
    return f"{title} — {hit.seat or hit.kind}: {snippet}\n    {hit.path}"
