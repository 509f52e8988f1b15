"""The author's marks drawn over a pane's answers, and a selection turned into a range.

A range is kept in the reply's own text (its Markdown), while the pane shows it
rendered: ``**beautiful** vision`` reads "beautiful vision". So a range is found again
by its words, whatever Markdown or spacing lies between them, the occurrence nearest to
where it was. Marks are drawn as extra selections: an overlay the document does not
hold, so redrawing an answer, saving or copying never carries them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QBrush, QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from desktop.core.records.model import Annotation, AnnotationKind

_WORD = re.compile(r"\w+")
# A source's number as the pane draws it after the words that cite it ("found[2]"): not
# part of the answer's own text, so words are matched across it.
_MARKER = re.compile(r"\[\d{1,6}\]")
_BETWEEN = r"(?:\W|\[\d{1,6}\])+"


def _tokens(words: str) -> list[str]:
    return _WORD.findall(_MARKER.sub(" ", words))


def locate(text: str, words: str, near: float = 0.0) -> tuple[int, int] | None:
    """Where the words of ``words`` stand in ``text`` in that order, anything but
    letters and digits between them; of several, the one nearest ``near`` (a fraction
    of ``text``). None when they are not there."""
    tokens = _tokens(words)
    if not tokens:
        return None
    pattern = re.compile(_BETWEEN.join(re.escape(t) for t in tokens))
    found = [(m.start(), m.end()) for m in pattern.finditer(text)]
    if not found:
        return None
    goal = near * len(text)
    return min(found, key=lambda span: abs(span[0] - goal))


@dataclass(frozen=True)
class Selected:
    """Words selected in one reply: the reply's id and the range in its text."""

    reply_id: str
    start: int
    end: int


def selected_words(
    view: QTextEdit, spans: list[tuple[str, int, int]], texts: dict[str, str]
) -> Selected | None:
    """The words selected in ``view``, as a range of the one reply they are in (by its
    id in ``spans``, its text in ``texts``); None without a selection inside one reply."""
    cursor = view.textCursor()
    if not cursor.hasSelection():
        return None
    low, high = cursor.selectionStart(), cursor.selectionEnd()
    for reply_id, start, end in spans:
        if start <= low and high <= end and reply_id in texts:
            selected = cursor.selectedText().replace("\u2029", "\n")
            near = (low - start) / max(1, end - start)
            found = locate(texts[reply_id], selected, near)
            return Selected(reply_id, *found) if found else None
    return None


def find_words(document: QTextDocument, start: int, end: int, words: str) -> tuple[int, int] | None:
    """Where ``words`` first stand between ``start`` and ``end`` of the drawn text,
    whatever their case (as the library's search matched them)."""
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    shown = cursor.selectedText().replace("\u2029", "\n")
    tokens = _tokens(words)
    if not tokens:
        return None
    pattern = re.compile(_BETWEEN.join(re.escape(t) for t in tokens), re.IGNORECASE)
    found = pattern.search(shown)
    return (start + found.start(), start + found.end()) if found else None


def mark_format(kind: AnnotationKind, colour: QColor) -> QTextCharFormat:
    """How a highlight (the seat's colour, light) or a comment (underlined) looks."""
    fmt = QTextCharFormat()
    tint = QColor(colour)
    tint.setAlpha(90)
    if kind is AnnotationKind.HIGHLIGHT:
        fmt.setBackground(QBrush(tint))
    else:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(colour)
    return fmt


# A reply's mark ranges in the document, by where the reply is drawn and its marks.
MarkCache = dict[tuple[object, ...], list[tuple[int, int, AnnotationKind]]]
_DRAWN = (AnnotationKind.HIGHLIGHT, AnnotationKind.COMMENT)


def extra_selections(
    document: QTextDocument,
    spans: list[tuple[str, int, int]],
    texts: dict[str, str],
    annotations: list[Annotation],
    colour: QColor,
    cache: MarkCache | None = None,
) -> list[QTextEdit.ExtraSelection]:
    """The overlay for every ranged highlight and comment on the replies drawn.

    Finding a mark's words again reads the reply's drawn text; with ``cache`` that is
    done only for replies that moved or whose marks changed (when a reply ends, its
    own), so a long annotated history costs nothing per answer that ends."""
    by_reply: dict[str, list[Annotation]] = {}
    for mark in annotations:
        if mark.kind in _DRAWN and mark.start is not None and mark.end is not None:
            by_reply.setdefault(mark.target_id, []).append(mark)
    found: MarkCache = {}
    out = []
    for reply_id, start, end in spans:
        marks = by_reply.get(reply_id)
        if not marks:
            continue
        text = texts.get(reply_id, "")
        key = (reply_id, start, end, len(text), *((m.id, m.start, m.end, m.exact) for m in marks))
        ranges = cache.get(key) if cache is not None else None
        if ranges is None:
            ranges = _ranges(document, start, end, text, marks)
        found[key] = ranges
        for low, high, kind in ranges:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(document)
            selection.cursor.setPosition(low)
            selection.cursor.setPosition(high, QTextCursor.MoveMode.KeepAnchor)
            selection.format = mark_format(kind, colour)
            out.append(selection)
    if cache is not None:  # only what is drawn now: a rebuilt pane's old spans go
        cache.clear()
        cache.update(found)
    return out


def _ranges(
    document: QTextDocument, start: int, end: int, text: str, marks: list[Annotation]
) -> list[tuple[int, int, AnnotationKind]]:
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    shown = cursor.selectedText().replace("\u2029", "\n")
    out = []
    for mark in marks:
        assert mark.start is not None
        assert mark.end is not None
        words = mark.exact if mark.exact is not None else text[mark.start : mark.end]
        found = locate(shown, words, mark.start / max(1, len(text)))
        if found is not None:
            out.append((start + found[0], start + found[1], mark.kind))
    return out
