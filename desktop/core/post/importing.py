"""Exchanges brought into a session's post from another saved session.

One seat's chosen turns are copied (the prompts, that seat's replies, the files they
sent) into ``session.sources`` with where they came from, and a section for them is
added to the post. The session stays self-contained: its file alone renders the post.
The same rules serve ``roundtable post import`` and File → Add from session….
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from desktop.core.post.plan import default_post
from desktop.core.records.model import Attachment, Seat, Session, Source, Turn
from desktop.core.records.post_blocks import PostItem, SectionBlock
from desktop.core.utils.stamps import new_id


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


def _ids_in(session: Session) -> set[str]:
    """Every id a seat, turn, reply or annotation of ``session`` (its sources included)
    uses: an imported copy must take none of them, or the file would not load."""
    groups = [(session.seats, session.turns)] + [(s.seats, s.turns) for s in session.sources]
    ids = {a.id for a in session.annotations}
    for seats, turns in groups:
        ids |= {s.id for s in seats} | {t.id for t in turns}
        ids |= {r.id for t in turns for r in t.replies}
    return ids


def check_new(session: Session, imported: Imported) -> None:
    """ImportRefused when ``imported``'s exchanges are in ``session`` already, or when
    they reuse ids that ``session`` gives to something else (a crafted file, or a copy
    of this session edited elsewhere)."""
    known = _ids_in(session)
    turns = imported.source.turns
    if any(t.id in known for t in turns):
        raise ImportRefused("Those exchanges are already in this session.")
    clashes = [imported.seat.id] + [r.id for t in turns for r in t.replies]
    if any(found in known for found in clashes) or len(set(clashes)) < len(clashes):
        raise ImportRefused(
            "That session gives its seat or answers ids that this session already uses "
            "(a copy of this session changed elsewhere?): nothing was added."
        )


def add_imported(session: Session, imported: Imported) -> None:
    """Put ``imported`` into ``session``: its source, the files it lacks, and a section
    at the end of the post; ImportRefused when those exchanges are already here.

    A file of the other session's whose id this session gives to other bytes comes in
    under an id of its own, so that each exchange keeps showing the file it sent."""
    check_new(session, imported)
    source = copy.deepcopy(imported.source)
    have = {a.id: a for a in session.attachments}
    added = []
    for attachment in imported.attachments:
        mine = have.get(attachment.id)
        if mine is not None and mine.sha256 == attachment.sha256:
            continue
        if mine is not None:
            renamed = copy.copy(attachment)
            renamed.id = new_id()
            _point_at(source, attachment.id, renamed.id)
            attachment = renamed
        added.append(attachment)
    session.attachments = session.attachments + added
    session.sources = [*session.sources, source]
    if not session.post.blocks:  # the default post so far, then the new section
        session.post.blocks = default_post(session).blocks
    items = [PostItem(t.id) for t in source.turns]
    session.post.blocks.append(SectionBlock(source.seats[0].id, items=items))


def _point_at(source: Source, old: str, new: str) -> None:
    """Make ``source``'s turns and their deliveries name attachment ``new`` for ``old``."""
    for turn in source.turns:
        turn.attachment_ids = [new if a == old else a for a in turn.attachment_ids]
        for reply in turn.replies:
            for delivery in reply.deliveries:
                if delivery.attachment_id == old:
                    delivery.attachment_id = new
