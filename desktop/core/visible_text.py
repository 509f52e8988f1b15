"""Untrusted text made to read as what it is: no direction overrides, no invisible
format characters, no control characters (Qt-free; the window's ``shown`` and the post
export both use it).

Unicode direction overrides make "a\u202efdp.exe" read as "aexe.pdf"; a name, a title
or a model's words from a stranger must not be able to do that.
"""

from __future__ import annotations

import unicodedata

# The zero width joiner stays: emoji sequences (👩‍💻) are built with it.
_KEPT_FORMAT = {"\u200d"}
_REPLACEMENT = "\ufffd"


def _hidden(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cf":
        return char not in _KEPT_FORMAT
    return category == "Cc" and char not in "\n\t"


def shown(text: str) -> str:
    """``text`` with direction overrides, other invisible format characters and control
    characters made visible as �, so what is read is what is there."""
    return "".join(_REPLACEMENT if _hidden(c) else c for c in text)


def file_name(text: str) -> str:
    """``text`` without those characters, for a name suggested when saving a file."""
    return "".join(c for c in text if not _hidden(c))
