"""A session's post worked out for export: every id looked up, every range checked.

Export (Markdown, HTML, cards) renders a :class:`PostPlan`; building one is where a
broken post is found, with the block named: a section whose seat is not there, an
exchange naming a turn that is not there, an excerpt past the end of its answer. A post
with no blocks is the default post. Quotes woven into commentary
(``[words](roundtable:reply/ID?start=S&end=E)``) become links to the answer when it is in
the post and plain quoted words when it is not; words that no longer match the answer
at that range are a warning naming the block.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from desktop.core.evidence.web_sources import cited_within
from desktop.core.post.attribution import attribution_line
from desktop.core.records.evidence import WebSource
from desktop.core.records.model import (
    Annotation,
    AnnotationKind,
    Attachment,
    Reply,
    Seat,
    Session,
    Turn,
)
from desktop.core.records.post_blocks import (
    QUOTE_LINK_PREFIX,
    AttributionBlock,
    ItemShow,
    Post,
    PostBlock,
    PostItem,
    ScoreboardBlock,
    ScoreLine,
    SectionBlock,
    TextBlock,
)
from desktop.core.session.totals import thought_summary

_UNSAFE_IN_ANCHOR = re.compile(r"[^A-Za-z0-9-]")


class PostError(Exception):
    """A post that cannot be exported; ``str()`` names the block and what is wrong."""


@dataclass(frozen=True)
class Exchange:
    """One prompt and what is shown of its answer."""

    turn: Turn
    reply: Reply | None
    prompt: str  # as shown (a display edit, or the turn's text)
    original_prompt: str  # the turn's text as sent
    show: ItemShow
    answer: str  # the whole answer, the excerpt, or "" for the prompt alone
    offset: int  # where ``answer`` starts in the reply's text
    attachments: tuple[Attachment, ...]
    highlights: tuple[tuple[int, int], ...]  # ranges into ``answer``
    comments: tuple[Annotation, ...]
    origin: str | None  # "from the session “title”, 2 October 2026" when imported
    number: int  # the exchange's place in the post (1, 2, …), for names and anchors
    # The web pages the answer shown rests on (for an excerpt, those cited within it,
    # their places moved to the excerpt's own offsets): numbered from 1 in this order.
    sources: tuple[WebSource, ...] = ()
    # What the seat thought before answering, when the post shows it; "" otherwise.
    reasoning: str = ""
    thought: str = ""  # how long it thought and how much: "Thought for 34 s · 1,240 words"
    # The author's votes on this answer, as a reader reads them ("the best answer").
    votes: tuple[str, ...] = ()
    # An anonymised turn's key: each "Response X" with whose answer it was and the
    # anchor of that answer in the post ("" when it is not in the post).
    key: tuple[tuple[str, str, str], ...] = ()

    @property
    def anchor(self) -> str:
        """The id the exchange's answer has in the post: made of letters, digits, - and _
        only, since ids come from the file and go into HTML attributes and file names."""
        raw = f"reply-{self.reply.id}" if self.reply is not None else f"turn-{self.turn.id}"
        return _UNSAFE_IN_ANCHOR.sub("_", raw)


@dataclass(frozen=True)
class Section:
    seat: Seat
    heading: str
    reaction: str | None
    exchanges: tuple[Exchange, ...]


@dataclass(frozen=True)
class Commentary:
    markdown: str  # quote links already made links to anchors, or plain quotes


@dataclass(frozen=True)
class Attribution:
    line: str


@dataclass(frozen=True)
class Scoreboard:
    """Who had won so far, when the author took it: a table in every export."""

    lines: tuple[ScoreLine, ...]
    caption: str  # "Scoreboard of 7 December 2026, 14 sessions tagged news"


Part = Commentary | Attribution | Section | Scoreboard


@dataclass
class PostPlan:
    """The post, ready to render."""

    title: str
    subtitle: str
    parts: list[Part] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def sections(self) -> list[Section]:
        return [p for p in self.parts if isinstance(p, Section)]

    @property
    def exchanges(self) -> list[Exchange]:
        return [e for s in self.sections for e in s.exchanges]


def reader_date(moment: datetime) -> str:
    """A date as a post's reader expects it: "7 December 2026", the month named in the
    locale's language where one is set (the window sets it; a command keeps English)."""
    return f"{moment.day} {moment:%B %Y}"


def plan_post(session: Session) -> PostPlan:
    """The session's post (or its default post) worked out; PostError if it is broken."""
    post = session.post if session.post.blocks else default_post(session)
    lookup = Lookup(session)
    plan = PostPlan(post.title or session.title or _first_prompt(session), post.subtitle)
    numbers = iter(range(1, 1_000_000))
    texts: list[tuple[int, TextBlock]] = []
    attributions: list[tuple[int, AttributionBlock]] = []
    for index, block in enumerate(post.blocks, 1):
        if isinstance(block, SectionBlock):
            plan.parts.append(_section(lookup, block, index, numbers))
        elif isinstance(block, TextBlock):
            texts.append((len(plan.parts), block))
            plan.parts.append(Commentary(""))
        elif isinstance(block, AttributionBlock):
            attributions.append((len(plan.parts), block))
            plan.parts.append(Attribution(""))
        elif isinstance(block, ScoreboardBlock):
            plan.parts.append(_scoreboard(block))
        else:
            plan.warnings.append(
                f"block {index} is a {block.kind!r} block from a newer Roundtable: left out"
            )
    anchors = {e.reply.id: e.anchor for e in plan.exchanges if e.reply is not None}
    _link_keys(plan, lookup, anchors)
    for place, block in texts:
        where = f"block {place + 1} (text)"
        plan.parts[place] = Commentary(_quotes(block.markdown, lookup, anchors, where, plan))
    seats = [s.seat for s in plan.sections]
    for place, attribution in attributions:
        plan.parts[place] = Attribution(attribution.text or attribution_line(seats))
    return plan


def default_post(session: Session) -> Post:
    """The title, then a section per seat in table order with every exchange not
    excluded, each with its whole answer."""
    excluded = set(session.post.excluded_ids)
    blocks: list[PostBlock] = []
    for seat in session.seats:
        items = []
        for turn in session.turns:
            replies = [r for r in turn.replies if r.seat_id == seat.id]
            if seat.id not in turn.targets or turn.id in excluded or not replies:
                continue
            if replies[-1].id not in excluded:
                items.append(PostItem(turn.id))
        if items:
            blocks.append(SectionBlock(seat.id, items=items))
    return Post(session.post.title, session.post.subtitle, blocks)


# -- lookups ----------------------------------------------------------------------------


class Lookup:
    """Seats, turns and replies by id, the session's and its sources' alike."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seats = {s.id: s for s in session.seats}
        self.turns = {t.id: t for t in session.turns}
        self.origins: dict[str, str] = {}
        for source in session.sources:
            titled = source.title.strip()
            where = f"the session “{source.title}”" if titled else "an earlier session"
            origin = f"from {where}, {reader_date(source.created_at)}"
            self.seats.update({s.id: s for s in source.seats})
            for turn in source.turns:
                self.turns[turn.id] = turn
                self.origins[turn.id] = origin
        self.replies = {r.id: (t, r) for t in self.turns.values() for r in t.replies}
        self.attachments = {a.id: a for a in session.attachments}


def _section(lookup: Lookup, block: SectionBlock, index: int, numbers: Iterator[int]) -> Section:
    seat = lookup.seats.get(block.seat_id)
    if seat is None:
        raise PostError(f"block {index} (section): the seat {block.seat_id!r} is not in the file")
    where = f"block {index} (section “{seat.label}”)"
    exchanges = tuple(
        _exchange(lookup, seat, item, f"{where}, item {i}", next(numbers))
        for i, item in enumerate(block.items, 1)
    )
    return Section(seat, block.heading or seat.label, block.reaction, exchanges)


def _exchange(lookup: Lookup, seat: Seat, item: PostItem, where: str, number: int) -> Exchange:
    turn = lookup.turns.get(item.turn_id)
    if turn is None:
        raise PostError(f"{where}: the turn {item.turn_id!r} is not in the file")
    reply = _reply(lookup, seat, turn, item, where)
    text = reply.text if reply is not None else ""
    start, end = 0, len(text)
    if item.show is ItemShow.EXCERPT:
        if item.start is None or item.end is None or not 0 <= item.start < item.end <= len(text):
            raise PostError(
                f"{where}: the excerpt {item.start}..{item.end} is not within the answer "
                f"({len(text)} characters)"
            )
        start, end = item.start, item.end
    shown = "" if item.show is ItemShow.PROMPT else text[start:end]
    marks = [a for a in lookup.session.annotations if reply is not None and a.target_id == reply.id]
    sources: list[WebSource] = []
    if reply is not None and shown:
        whole = item.show is not ItemShow.EXCERPT
        sources = reply.sources if whole else cited_within(reply.sources, start, end)
    thinking = reply is not None and item.reasoning and bool(shown) and bool(reply.reasoning)
    return Exchange(
        turn=turn,
        reply=reply,
        prompt=turn.text if item.prompt is None else item.prompt,
        original_prompt=turn.text,
        show=item.show,
        answer=shown,
        offset=start,
        attachments=tuple(
            lookup.attachments[a] for a in turn.attachment_ids if a in lookup.attachments
        ),
        highlights=_ranges(marks, start, end) if shown else (),
        comments=tuple(a for a in marks if a.kind is AnnotationKind.COMMENT),
        origin=lookup.origins.get(turn.id),
        number=number,
        sources=tuple(sources),
        votes=tuple(_vote_words(lookup, a) for a in marks if a.kind is AnnotationKind.VOTE),
        reasoning=_bounded(reply.reasoning) if thinking and reply is not None else "",
        thought=thought_summary(reply, len(reply.reasoning.split()))
        if thinking and reply is not None
        else "",
    )


def score_cells(line: ScoreLine) -> tuple[str, ...]:
    """A scoreboard line as a table's cells: model (label), votes, won, lost, tied,
    strength with its interval ("not enough votes" without one), peer place."""
    if line.strength is None or line.low is None or line.high is None:
        strength = "not enough votes"
    else:
        strength = f"{line.strength:.0f} ({line.low:.0f}–{line.high:.0f})"
    peer = f"{line.peer_rank:g}" if line.peer_rank is not None else "—"
    return (f"{line.label} ({line.model})", str(line.votes), str(line.wins), str(line.losses),
            str(line.ties), strength, peer)  # fmt: skip


def _scoreboard(block: ScoreboardBlock) -> Scoreboard:
    when = f" of {reader_date(block.taken_at)}" if block.taken_at is not None else ""
    tagged = f", the sessions tagged “{block.tag}”" if block.tag else ""
    return Scoreboard(tuple(block.lines), f"Scoreboard{when}{tagged}")


def _vote_words(lookup: Lookup, vote: Annotation) -> str:
    """A vote as the post's reader reads it."""
    if vote.versus is None:
        return "The author's pick: the best answer"
    found = lookup.replies.get(vote.versus)
    other = lookup.seats.get(found[1].seat_id) if found is not None else None
    whose = f"{other.label}'s" if other is not None else "another"
    return f"The author's vote: {'as good as' if vote.tie else 'better than'} {whose} answer"


def _link_keys(plan: PostPlan, lookup: Lookup, anchors: dict[str, str]) -> None:
    """Give each exchange of an anonymised turn its key, linked to the answers in the
    post (a chair's "Response B" then leads to what it rests on)."""
    for section in plan.sections:
        keyed = []
        for exchange in section.exchanges:
            if not exchange.turn.anonymous or not exchange.answer:
                keyed.append(exchange)
                continue
            key = []
            for quote in exchange.turn.quotes:
                seat = lookup.seats.get(quote.seat_id)
                label = seat.label if seat is not None else "a seat not in the file"
                key.append((quote.seat_label, label, anchors.get(quote.reply_id, "")))
            keyed.append(dataclasses.replace(exchange, key=tuple(key)))
        index = plan.parts.index(section)
        plan.parts[index] = dataclasses.replace(section, exchanges=tuple(keyed))


# The most sources listed under one answer in a post (the rest are counted, and kept in
# the transcript): a reply naming ten thousand would bury the post.
MAX_SOURCES_SHOWN = 100
# The most characters of a reasoning a post shows: a thought of megabytes is for the
# transcript, and would make a page no reader scrolls.
MAX_REASONING = 100_000


def _bounded(reasoning: str) -> str:
    if len(reasoning) <= MAX_REASONING:
        return reasoning
    rest = len(reasoning) - MAX_REASONING
    return f"{reasoning[:MAX_REASONING]}\n\n[… {rest:,} more characters, kept in the transcript]"


def _reply(lookup: Lookup, seat: Seat, turn: Turn, item: PostItem, where: str) -> Reply | None:
    if seat.id not in turn.targets:
        raise PostError(f"{where}: the turn {turn.id!r} was not sent to {seat.label}")
    if item.reply_id is not None:
        found = lookup.replies.get(item.reply_id)
        if found is None or found[0] is not turn or found[1].seat_id != seat.id:
            raise PostError(f"{where}: the reply {item.reply_id!r} is not {seat.label}'s to it")
        return found[1]
    replies = [r for r in turn.replies if r.seat_id == seat.id]
    if not replies and item.show is not ItemShow.PROMPT:
        raise PostError(f"{where}: {seat.label} has no answer to the turn {turn.id!r}")
    return replies[-1] if replies else None


def _ranges(marks: list[Annotation], start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Highlight ranges that fall in ``start``..``end``, made relative to it."""
    out = []
    for mark in marks:
        if mark.kind is not AnnotationKind.HIGHLIGHT or mark.start is None or mark.end is None:
            continue
        low, high = max(mark.start, start), min(mark.end, end)
        if low < high:
            out.append((low - start, high - start))
    return tuple(sorted(out))


# -- quotes in commentary ---------------------------------------------------------------

_QUOTE = re.compile(
    r"\[(?P<words>[^\]\n]*)\]\(" + re.escape(QUOTE_LINK_PREFIX)
    + r"(?P<id>[^?\s)]+)(?:\?start=(?P<start>\d+)&end=(?P<end>\d+))?\)"
)  # fmt: skip


def _quotes(
    markdown: str, lookup: Lookup, anchors: dict[str, str], where: str, plan: PostPlan
) -> str:
    def replace(match: re.Match[str]) -> str:
        words, reply_id = match["words"], match["id"]
        found = lookup.replies.get(reply_id)
        if found is None:
            plan.warnings.append(f"{where}: the quote “{words}” names a reply not in the file")
        elif match["start"] is not None:
            text = found[1].text[int(match["start"]) : int(match["end"])]
            if _plain(text) != _plain(words):  # woven into a sentence: case, marks may go
                plan.warnings.append(
                    f"{where}: the quote “{words}” no longer matches the answer there "
                    f"(“{text[:60]}”)"
                )
        if reply_id in anchors:
            return f"[{words}](#{anchors[reply_id]})"
        return f"“{words}”"

    return _QUOTE.sub(replace, markdown)


def _plain(words: str) -> str:
    return " ".join(words.replace("*", "").replace("_", "").casefold().split())


def _first_prompt(session: Session) -> str:
    return next((t.text.strip().splitlines()[0] for t in session.turns if t.text.strip()), "")
