"""Untrusted text made to read as what it is: no direction overrides, no invisible
format characters, no control characters, no terminal escape sequences (Qt-free; the
window's ``shown``, the post export and every command's output use it).

Unicode direction overrides make "a\u202efdp.exe" read as "aexe.pdf"; a name, a title
or a model's words from a stranger must not be able to do that.
"""

from __future__ import annotations

import re
import unicodedata

# The zero width joiner stays: emoji sequences (👩‍💻) are built with it.
_KEPT_FORMAT = {"\u200d"}
_REPLACEMENT = "\ufffd"


def _hidden(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cf":
        return char not in _KEPT_FORMAT
    # A lone surrogate (a file name's undecodable byte, a \ud800 escape) is no character:
    # it cannot even be printed or encoded.
    return category == "Cs" or (category == "Cc" and char not in "\n\t")


def shown(text: str) -> str:
    """``text`` with direction overrides, other invisible format characters and control
    characters made visible as �, so what is read is what is there."""
    return "".join(_REPLACEMENT if _hidden(c) else c for c in text)


def file_name(text: str, fallback: str = "file") -> str:
    """The last part of ``text`` without those characters, for a name suggested when
    saving a file: a stranger's name may be a path ("../x", "/etc/x",
    ".config/autostart/x.desktop") that would choose the folder. ``fallback`` when
    nothing is left."""
    visible = "".join(c for c in text if not _hidden(c))
    last = re.split(r"[\\/]", visible)[-1].strip()
    return fallback if last in ("", ".", "..") else last


def file_name_of_title(title: str, fallback: str) -> str:
    """A file name made of a title ("A/B test" is "A-B test"), as :func:`file_name`."""
    return file_name(re.sub(r"[\\/]", "-", title), fallback)


# Escape sequences (CSI, OSC, and the two-character ones) and every other control
# character but newline and tab: model text and a file's labels must not move the
# cursor, retitle the terminal, write to its clipboard or hide lines.
_TERMINAL_CONTROL = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI (7- or 8-bit) ... final byte
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL or ST
    r"|\x1b[@-_]?"  # other escapes, and a lone ESC
)


def terminal_safe(text: str) -> str:
    """``text`` for a terminal: escape sequences removed, then :func:`shown` (direction
    overrides, invisible and control characters and lone surrogates as �). Everything a
    command prints goes through it."""
    return shown(_TERMINAL_CONTROL.sub("", text))


def linkable(url: str) -> bool:
    """Whether a stranger's address may be a link where it is written out in full: http(s)
    only, nothing hidden in it (what is read is what opens), no space or angle bracket
    (which would end an autolink or an attribute early)."""
    return (
        url.lower().startswith(("http://", "https://"))
        and shown(url) == url
        and not any(c.isspace() or c in "<>" for c in url)
    )
