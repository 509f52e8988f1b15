"""``roundtable list`` and ``roundtable search``: the library from a terminal.

    roundtable list [--library DIR] [--json]
    roundtable search QUERY [--library DIR] [--json] [--limit N]

Both bring the index up to date with the files first. QUERY is FTS5's syntax: words,
"phrases", OR, prefix*. ``--json`` prints one object per line. Exit 0 with results or
none, 2 for a usage error (a query the index cannot run).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop.core.library import Library, default_folder
from desktop.core.library_index import MARK_END, MARK_START, Entry, Hit, QueryError
from desktop.core.plaintext import terminal_safe

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
        print("roundtable: --limit must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    library = Library(args.library or default_folder())
    try:
        library.refresh()
        if args.command == "list":
            for entry in library.index.entries():
                print(_listed(entry, args.json))
            return EXIT_OK
        try:
            hits = library.index.search(args.query, args.limit)
        except QueryError as exc:
            print(terminal_safe(f"roundtable: {exc}"), file=sys.stderr)
            print('Words, "a phrase", OR, NOT and prefix* work; quote other text.', file=sys.stderr)
            return EXIT_USAGE
        for hit in hits:
            print(_found(hit, args.json))
        return EXIT_OK
    finally:
        library.close()


def _listed(entry: Entry, as_json: bool) -> str:
    if as_json:
        return json.dumps(
            {
                "path": entry.path, "session_id": entry.session_id, "title": entry.title,
                "updated_at": entry.updated_at, "seats": entry.seats, "turns": entry.turns,
                "damaged": entry.damaged,
            },
            ensure_ascii=False,
        )  # fmt: skip
    if entry.damaged:
        return terminal_safe(f"{entry.path}  damaged: {entry.damaged}")
    title = entry.title or entry.first_prompt[:60] or "(untitled)"
    when = entry.updated_at[:16].replace("T", " ")
    draft = "  (draft)" if entry.draft else ""
    return terminal_safe(f"{when}  {title}  [{', '.join(entry.seats)}]{draft}  {entry.path}")


def _found(hit: Hit, as_json: bool) -> str:
    snippet = " ".join(hit.snippet.split())
    if as_json:
        return json.dumps(
            {
                "path": hit.path, "session_id": hit.session_id, "title": hit.title,
                "turn_id": hit.turn_id or None, "reply_id": hit.reply_id or None,
                "seat": hit.seat or None,
                "snippet": snippet.replace(MARK_START, "[").replace(MARK_END, "]"),
            },
            ensure_ascii=False,
        )  # fmt: skip
    bold, plain = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("[", "]")
    where = hit.seat or hit.kind
    shown = terminal_safe(snippet).replace(MARK_START, bold).replace(MARK_END, plain)
    title = terminal_safe(hit.title or "(untitled)")
    return f"{title} — {terminal_safe(where)}: {shown}\n    {terminal_safe(hit.path)}"
