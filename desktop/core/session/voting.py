"""The author's votes: which answer of a turn was best, or which of two was better.

A vote is an annotation of its own kind (the author's, never sent to a model) and
follows the annotations' path through the document, with its own typed change
(:class:`~desktop.core.records.changes.VotesChanged`), so the panes of a blind turn know
to reveal who answered. A blind turn is revealed by its first vote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.core.records.changes import VotesChanged
from desktop.core.records.model import Annotation, AnnotationKind, Reply, Turn
from desktop.core.verdicts.blinding import votes_on

if TYPE_CHECKING:
    from desktop.core.session.document import SessionDocument


class Votes:
    """The votes of one document's session."""

    def __init__(self, document: SessionDocument) -> None:
        self._document = document

    @property
    def _all(self) -> list[Annotation]:
        return self._document.session.annotations

    def of_turn(self, turn: Turn) -> list[Annotation]:
        """The votes on ``turn``'s answers, in the order they were cast."""
        return votes_on(self._document.session, turn)

    def best(self, reply_id: str) -> Annotation:
        """A vote, not yet cast, for ``reply_id`` as the best answer of its turn."""
        turn, reply = self._answer(reply_id)
        if len({r.seat_id for r in turn.replies}) < 2:
            raise ValueError("a best answer needs another answer to beat")
        return Annotation(AnnotationKind.VOTE, reply.id)

    def pairwise(self, better_id: str, other_id: str, tie: bool = False) -> Annotation:
        """A vote, not yet cast: ``better_id`` beat ``other_id`` (or tied with it)."""
        turn, better = self._answer(better_id)
        other_turn, other = self._answer(other_id)
        if other_turn is not turn or other.seat_id == better.seat_id:
            raise ValueError("a vote compares two seats' answers to the same turn")
        return Annotation(AnnotationKind.VOTE, better.id, versus=other.id, tie=tie)

    def cast(self, vote: Annotation, index: int | None = None) -> None:
        """Add ``vote`` (at ``index``: an undone removal)."""
        self._all.insert(len(self._all) if index is None else index, vote)
        self._told(vote)

    def remove(self, vote_id: str) -> tuple[int, Annotation]:
        """Take a vote back; where it was and what it was (to cast it again)."""
        for index, annotation in enumerate(self._all):
            if annotation.id == vote_id and annotation.kind is AnnotationKind.VOTE:
                del self._all[index]
                self._told(annotation)
                return index, annotation
        raise KeyError(vote_id)

    def _told(self, vote: Annotation) -> None:
        turn, _ = self._document.session.find_reply(vote.target_id)
        self._document.edited(VotesChanged(turn.id))

    def _answer(self, reply_id: str) -> tuple[Turn, Reply]:
        turn, reply = self._document.session.find_reply(reply_id)
        if not reply.status.is_final or not reply.text:
            raise ValueError("vote on an answer once it has ended")
        return turn, reply
