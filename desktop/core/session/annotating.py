"""The author's annotations of a session: add, change, remove, and put back (undo).

Annotations belong to the author: they are saved with the session, shown in the panes
and the post, and never sent to a model (the conversation is built from turns only).
Every change goes through the session document, which marks the session dirty and tells
its listeners with :class:`~desktop.core.records.changes.AnnotationsChanged`.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from desktop.core.records.changes import AnnotationsChanged
from desktop.core.records.model import Annotation, AnnotationKind, Session

if TYPE_CHECKING:
    from desktop.core.session.document import SessionDocument


class Annotations:
    """The annotations of one document's session."""

    def __init__(self, document: SessionDocument) -> None:
        self._document = document

    @property
    def all(self) -> list[Annotation]:
        """Every annotation, in the order they were made."""
        return self._document.session.annotations

    def of(self, target_id: str) -> list[Annotation]:
        """The annotations on one reply, turn or seat."""
        return [a for a in self.all if a.target_id == target_id]

    def add(
        self,
        kind: AnnotationKind,
        target_id: str,
        start: int | None = None,
        end: int | None = None,
        note: str = "",
    ) -> Annotation:
        """Mark a reply (or ``start``..``end`` of its text), a turn or a seat (see
        :meth:`make`); the annotation made."""
        annotation = self.make(kind, target_id, start, end, note)
        self.put_back(annotation, len(self.all))
        return annotation

    def make(
        self,
        kind: AnnotationKind,
        target_id: str,
        start: int | None = None,
        end: int | None = None,
        note: str = "",
    ) -> Annotation:
        """An annotation checked against the session, not yet added (an undoable command
        adds it). ValueError when the target is not in the session or the range is not
        in its text; the words of the range are kept as ``exact``."""
        text = self._text_of(target_id)
        exact = None
        if start is not None or end is not None:
            if start is None or end is None or not 0 <= start < end <= len(text):
                raise ValueError(f"the range {start}..{end} is not within the text")
            exact = text[start:end]
        return Annotation(kind, target_id, start=start, end=end, note=note, exact=exact)

    def change(self, annotation_id: str, note: str) -> Annotation:
        """A comment's text or a reaction's emoji changed; the annotation as it was."""
        index, old = self._find(annotation_id)
        self.all[index] = dataclasses.replace(old, note=note)
        self._document.edited(AnnotationsChanged(old.target_id))
        return old

    def remove(self, annotation_id: str) -> tuple[int, Annotation]:
        """Take an annotation away; where it was and what it was (to put it back)."""
        index, annotation = self._find(annotation_id)
        del self.all[index]
        self._document.edited(AnnotationsChanged(annotation.target_id))
        return index, annotation

    def put_back(self, annotation: Annotation, index: int) -> None:
        """Insert ``annotation`` at ``index`` (an undone removal, or a new one)."""
        self.all.insert(index, annotation)
        self._document.edited(AnnotationsChanged(annotation.target_id))

    def _find(self, annotation_id: str) -> tuple[int, Annotation]:
        for index, annotation in enumerate(self.all):
            if annotation.id == annotation_id:
                return index, annotation
        raise KeyError(annotation_id)

    def _text_of(self, target_id: str) -> str:
        session = self._document.session
        for turn in session.turns:
            if turn.id == target_id:
                return turn.text
            for reply in turn.replies:
                if reply.id == target_id:
                    return reply.text
        if any(seat.id == target_id for seat in session.seats):
            return ""
        raise ValueError(f"nothing in the session has the id {target_id!r}")


def seat_of(target_id: str, session: Session) -> str | None:
    """The id of the seat a reply or a seat annotation belongs to."""
    for seat in session.seats:
        if seat.id == target_id:
            return seat.id
    for turn in session.turns:
        for reply in turn.replies:
            if reply.id == target_id:
                return reply.seat_id
    return None
