"""Syntax highlighting for fenced code blocks in rendered Markdown, with Pygments.

Qt's Markdown reader marks each line of a fenced block with its language; this
highlighter lexes such lines with the Pygments lexer for that language and colours
the tokens. It works line by line (QSyntaxHighlighter's unit), which is exact for most
tokens; a construct spanning lines (a docstring) is coloured per line.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
    QTextFormat,
)

if TYPE_CHECKING:
    from pygments.lexer import Lexer
    from pygments.token import _TokenType

# Colours readable on both light and dark backgrounds, by Pygments token type name.
_STYLES: list[tuple[str, str, bool]] = [
    ("Comment", "#6a9955", False),
    ("Keyword", "#c678dd", True),
    ("String", "#d19a66", False),
    ("Number", "#2aa198", False),
    ("Name.Function", "#3b8eea", False),
    ("Name.Class", "#3b8eea", True),
    ("Name.Builtin", "#2aa198", False),
    ("Name.Decorator", "#c678dd", False),
    ("Operator.Word", "#c678dd", True),
]
# Loaded ahead of need: the first lookup of a lexer imports Pygments' lexer table and
# the lexer's module, 25-60 ms that would otherwise stall the first code block's redraw.
_COMMON_LANGUAGES = ("python", "javascript", "typescript", "bash", "json", "c", "cpp",
                     "java", "go", "rust", "sql", "html", "css", "yaml", "toml")  # fmt: skip


def warm_up_in_background() -> threading.Thread:
    """Import Pygments and the common lexers on a daemon thread, off the paint path.

    Pygments is imported lazily so it is not in the window's start-up either.
    """
    thread = threading.Thread(target=_warm_up, name="pygments-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up() -> None:
    for language in _COMMON_LANGUAGES:
        _lexer(language)


@cache
def _lexer(language: str) -> Lexer | None:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@cache
def _format(token: _TokenType) -> QTextCharFormat | None:
    from pygments.token import is_token_subtype, string_to_tokentype

    for name, colour, bold in _STYLES:
        if is_token_subtype(token, string_to_tokentype(name)):
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            if bold:
                fmt.setFontWeight(QFont.Weight.Bold)
            return fmt
    return None


class CodeHighlighter(QSyntaxHighlighter):
    """Colours the lines of fenced code blocks that name a known language."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)

    def highlightBlock(self, text: str) -> None:
        language = (
            self.currentBlock().blockFormat().stringProperty(QTextFormat.Property.BlockCodeLanguage)
        )
        lexer = _lexer(language.lower()) if language else None
        if lexer is None:
            return
        for start, token, value in lexer.get_tokens_unprocessed(text):
            fmt = _format(token)
            if fmt is not None:
                self.setFormat(start, len(value), fmt)
