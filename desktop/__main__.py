"""``roundtable`` / ``python -m desktop``: the window, or a headless command."""

from __future__ import annotations

import sys

from desktop import __version__
from desktop.self_command import WORKER

HEADLESS_COMMANDS = ("ask", "show", "export", "post", "list", "search", "models", "keys")


def main() -> int:
    """Run the ``roundtable`` command: a headless command if one is named, else the window."""
    argv = sys.argv[1:]
    if argv[:1] == [WORKER]:  # the window's own provider worker (desktop.self_command)
        from desktop.providers.worker import main as worker_main

        return worker_main()
    if argv[:1] == ["--version"]:
        print(f"roundtable {__version__}")
        return 0
    if argv and (argv[0] in HEADLESS_COMMANDS or argv[0] in ("-h", "--help")):
        from desktop.cli import main as cli_main

        return cli_main(argv)
    from desktop.app import main as app_main

    return app_main(argv)


if __name__ == "__main__":
    sys.exit(main())
