"""``roundtable models`` and ``roundtable keys``: what seats can use, and where keys are.

    roundtable models [--json] [--local-only]
    roundtable keys

``models`` lists what the seats dialog's picker lists: litellm's chat models (big
providers' flagships first) and the models of local servers found (Ollama, LM Studio),
each with what it takes and costs. ``keys`` says where each provider's key would come
from: the OS keyring, an environment variable, or nowhere; never the key.
"""

from __future__ import annotations

import argparse
import asyncio

from desktop.cli_output import json_line, say
from desktop.providers.keys import ENV_VARS, KEYLESS, PROVIDER_NAMES, find_key, lookup_places

COMMANDS = ("models", "keys")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``models`` and ``keys`` to the ``roundtable`` command's subcommands."""
    models = commands.add_parser(
        "models", help="list the models a seat can use, with what each takes and costs"
    )
    models.add_argument("--json", action="store_true", help="one JSON object per line")
    models.add_argument(
        "--local-only", action="store_true", help="only models of servers on this computer"
    )
    commands.add_parser("keys", help="say where each provider's API key comes from (never the key)")


def run(args: argparse.Namespace) -> int:
    """Carry out ``models`` or ``keys``; the exit status (0)."""
    if args.command == "keys":
        for line in key_lines():
            say(line)
        return 0
    from desktop.providers.catalog import catalog, describe
    from desktop.providers.local_servers import find_local_servers

    servers = asyncio.run(find_local_servers())
    local = [m for s in servers for m in s.models]
    for entry in catalog(local, local_only=args.local_only):
        if args.json:
            say(json_line(entry.as_json()))
        else:
            say(f"{entry.model}  ({describe(entry)})")
    if not args.json:
        for server in servers:
            say(f"# {server.name} at {server.url}: {server.state}")
    return 0


def key_lines() -> list[str]:
    """A line per provider: where its key comes from, or where it was looked for."""
    lines = []
    for provider in dict.fromkeys(ENV_VARS):
        name = PROVIDER_NAMES.get(provider, provider)
        found = find_key(provider)
        where = found.source if found.key else f"none (looked in {lookup_places(provider)})"
        notes = f" — {'; '.join(found.notes)}" if found.notes else ""
        lines.append(f"{name}: {where}{notes}")
    local = sorted({PROVIDER_NAMES[p] for p in KEYLESS})
    lines.append(f"{', '.join(local)}: no key needed")
    return lines
