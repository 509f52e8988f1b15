"""What every command prints, and how: through ``terminal_safe`` only.

Model text, titles, labels, file names and error messages come from strangers; a
terminal obeys the escape sequences and direction overrides in them ("invoice‮gpj.exe"
shows as "invoiceexe.jpg"). Each line a command prints goes through :func:`say` or
:func:`complain`, and ``--json`` output escapes everything past ASCII, so no output of
ours can move the cursor, hide words or reorder them, and none fails on the terminal's
encoding.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from desktop.core.utils.visible_text import terminal_safe


def say(text: str = "", marks: tuple[str, str] | None = None) -> None:
    """Print ``text`` (and a newline) on standard output, made safe for a terminal.

    ``marks``: two characters around words to stress (a search's matches), shown bold
    on a terminal and as [brackets] elsewhere; they are put in after the text is made
    safe, so the text itself can never turn bold on.
    """
    safe = terminal_safe(text)
    if marks is not None:
        bold, plain = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("[", "]")
        safe = safe.replace(marks[0], bold).replace(marks[1], plain)
    print(safe)


def write(text: str) -> None:
    """Write ``text`` as it is made safe, without adding a newline (a whole document)."""
    sys.stdout.write(terminal_safe(text))


def complain(text: str) -> None:
    """Print ``roundtable: text`` on standard error, made safe for a terminal."""
    print(terminal_safe(f"roundtable: {text}"), file=sys.stderr)


def tell(text: str) -> None:
    """Print ``text`` on standard error (progress, hints), made safe for a terminal."""
    print(terminal_safe(text), file=sys.stderr)


def json_line(value: Any) -> str:
    """``value`` as one line of JSON, every character past ASCII escaped: lossless, and
    nothing in it (an 8-bit escape, a direction override) reaches the terminal."""
    return json.dumps(value, ensure_ascii=True)
