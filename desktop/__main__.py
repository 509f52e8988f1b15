"""``roundtable`` / ``python -m desktop``: headless commands (the window comes next)."""

from __future__ import annotations

import sys


def main() -> int:
    """Run the ``roundtable`` command."""
    from desktop.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
