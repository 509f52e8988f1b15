"""Syntax highlighting for fenced code blocks in rendered Markdown, with Pygments.

Qt's Markdown reader marks each line of a fenced block with its language; this
highlighter lexes such lines with the Pygments lexer for that language and colours
the tokens. It works line by line (QSyntaxHighlighter's unit), which is exact for most
tokens; a construct spanning lines (a docstring) is coloured per line.
"""

from __future__ import annotations

from functools import cache

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    String,
    _TokenType,
    is_token_subtype,
)
from pygments.util import ClassNotFound
from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
    QTextFormat,
)

# Colours readable on both light and dark backgrounds.
_STYLES: list[tuple[_TokenType, str, bool]] = [
    (Comment, "#6a9955", False),
    (Keyword, "#c678dd", True),
    (String, "#d19a66", False),
    (Number, "#2aa198", False),
    (Name.Function, "#3b8eea", False),
    (Name.Class, "#3b8eea", True),
    (Name.Builtin, "#2aa198", False),
    (Name.Decorator, "#c678dd", False),
    (Operator.Word, "#c678dd", True),
]


@cache
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@cache
def _format(token: _TokenType) -> QTextCharFormat | None:
    for kind, colour, bold in _STYLES:
        if is_token_subtype(token, kind):
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
