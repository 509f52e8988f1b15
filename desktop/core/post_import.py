"""Exchanges brought into a session's post from another saved session.

One seat's chosen turns are copied (the prompts, that seat's replies, the files they
sent) into ``session.sources`` with where they came from, and a section for them is
added to the post. The session stays self-contained: its file alone renders the post.
The same rules serve ``roundtable post import`` and File → Add from session….
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from desktop.core.model import Attachment, Seat, Session, Source, Turn
from desktop.core.post import PostItem, SectionBlock
from desktop.core.post_plan import default_post


class ImportRefused(Exception):
    """Those exchanges cannot be added; ``str()`` says why, in the user's words."""


@dataclass(frozen=True)
class Imported:
    """One seat's exchanges copied out of another session, ready to add."""

    source: Source
    attachments: list[Attachment]

    @property
    def seat(self) -> Seat:
        return self.source.seats[0]


def seat_turns(other: Session, seat: Seat) -> list[Turn]:
    """The turns of ``other`` that ``seat`` was sent and answered: what may be imported."""
    return [
        t
        for t in other.turns
        if seat.id in t.targets and any(r.seat_id == seat.id for r in t.replies)
    ]


def exchanges_of(other: Session, seat: Seat, turn_ids: list[str] | None = None) -> Imported:
    """Copies of ``seat``'s exchanges in ``other`` (all of them, or ``turn_ids``)."""
    wanted = set(turn_ids) if turn_ids is not None else None
    chosen = [t for t in seat_turns(other, seat) if wanted is None or t.id in wanted]
    if not chosen or (wanted is not None and wanted - {t.id for t in chosen}):
        raise ImportRefused(f"{seat.label} has no answer to the turns asked for in that session")
    copied = []
    for turn in chosen:
        mine = copy.deepcopy(turn)
        mine.targets = [seat.id]
        mine.replies = [r for r in mine.replies if r.seat_id == seat.id]
        copied.append(mine)
    files = {a for t in copied for a in t.attachment_ids}
    source = Source(other.id, other.title, other.created_at, [copy.deepcopy(seat)], copied)
    return Imported(source, [copy.copy(a) for a in other.attachments if a.id in files])


def check_new(session: Session, imported: Imported) -> None:
    """ImportRefused when ``imported``'s exchanges are in ``session`` already."""
    known = {s.id for s in session.seats} | {t.id for t in session.turns}
    for source in session.sources:
        known |= {s.id for s in source.seats} | {t.id for t in source.turns}
    if imported.seat.id in known or any(t.id in known for t in imported.source.turns):
        raise ImportRefused("Those exchanges are already in this session.")


def add_imported(session: Session, imported: Imported) -> None:
    """Put ``imported`` into ``session``: its source, the files it lacks, and a section
    at the end of the post; ImportRefused when those exchanges are already here."""
    check_new(session, imported)
    have = {a.id for a in session.attachments}
    session.attachments = session.attachments + [
        a for a in imported.attachments if a.id not in have
    ]
    session.sources = [*session.sources, imported.source]
    if not session.post.blocks:  # the default post so far, then the new section
        session.post.blocks = default_post(session).blocks
    items = [PostItem(t.id) for t in imported.source.turns]
    session.post.blocks.append(SectionBlock(imported.seat.id, items=items))
