"""The session model: seats at the table, the turns the user sent and each seat's replies.

Plain dataclasses with no Qt and no I/O. Every object has a stable unique id so that
annotations, posts and the library can point at it, across files too. ``extra`` holds
fields this version does not know, read from a newer file, so they are written back
unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from desktop.core.records.evidence import ReasoningBlock, SentWith, WebSource
from desktop.core.records.post_blocks import Post
from desktop.core.utils.stamps import new_id, now  # also imported from here by the rest


class TurnKind(StrEnum):
    PROMPT = "prompt"
    FOLLOW_UP = "follow_up"
    FORWARD = "forward"
    DEBATE_ROUND = "debate_round"
    CHAIR = "chair"  # a chair weighs the seats' latest answers
    PEER_REVIEW = "peer_review"  # each seat ranks the others' answers


class ChairMode(StrEnum):
    """What a chair is asked to write about the answers it reads."""

    SYNTHESIS = "synthesis"  # the best combined answer
    COMPARE = "compare"  # where they agree and disagree, as a table
    FACT_CHECK = "fact_check"  # the claims that need a source
    CUSTOM = "custom"  # the user's own instruction


class ReplyStatus(StrEnum):
    WAITING = "waiting"
    STREAMING = "streaming"
    COMPLETE = "complete"
    STOPPED = "stopped"
    ERROR = "error"

    @property
    def is_final(self) -> bool:
        return self in (ReplyStatus.COMPLETE, ReplyStatus.STOPPED, ReplyStatus.ERROR)


class ErrorKind(StrEnum):
    """What went wrong with a reply, in terms a user can act on."""

    AUTH = "auth"
    RATE_LIMITED = "rate_limited"
    CONTEXT_TOO_LONG = "context_too_long"
    NETWORK = "network"
    TIMEOUT = "timeout"
    PROVIDER_ERROR = "provider_error"
    BAD_REQUEST = "bad_request"
    INTERNAL = "internal"


class ReasoningEffort(StrEnum):
    """How hard a reasoning model thinks before it answers (litellm's ``reasoning_effort``)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class SearchContext(StrEnum):
    """How much a searching seat reads from the web per answer (litellm's
    ``search_context_size``: more reads cost more, where the provider prices it)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass
class Seat:
    """One assistant at the table."""

    label: str
    model: str
    id: str = field(default_factory=new_id)
    api_base: str | None = None
    api_key_env: str | None = None
    system_prompt: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    # None: the model's own default; sent only to models litellm says can reason.
    reasoning_effort: ReasoningEffort | None = None
    colour: str | None = None
    # A removed seat leaves the table but stays in the session: its replies are history.
    removed: bool = False
    # Whether the model takes images / PDFs; None means "as litellm's model data says".
    vision: bool | None = None
    pdf: bool | None = None
    # A chair that is not at the table: it only weighs the seats' answers, shown apart
    # from the panes, and is never sent a turn of the table's.
    chair: bool = False
    # Whether the seat may search the web for its answers (litellm's web_search_options),
    # and how much it reads (None: the provider's default).
    web_search: bool = False
    search_context: SearchContext | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class AttachmentKind(StrEnum):
    """What an attachment is, which decides how each seat can be sent it."""

    IMAGE = "image"
    PDF = "pdf"
    TEXT = "text"


@dataclass
class Attachment:
    """A file sent with a turn; the bytes live in the session, so it is self-contained.

    The facts after ``id`` were found when the file was attached (see
    ``desktop.core.attachments``) and are kept so that a session reopened elsewhere can
    be sent and shown without looking into the bytes again; None where not known.
    """

    name: str
    mime_type: str
    data: bytes
    sha256: str
    id: str = field(default_factory=new_id)
    kind: AttachmentKind | None = None
    # Images: the size as displayed, EXIF orientation applied.
    width: int | None = None
    height: int | None = None
    # PDFs: page count and whether any page has extractable text (False for a scan).
    pages: int | None = None
    has_text: bool | None = None
    # Text files: the encoding the bytes are in, as a Python codec name.
    encoding: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.data)

    def facts(self) -> dict[str, Any]:
        """Everything but the bytes and unknown fields, JSON-ready (transcript, worker)."""
        return {
            "id": self.id,
            "name": self.name,
            "mime_type": self.mime_type,
            "sha256": self.sha256,
            "kind": None if self.kind is None else self.kind.value,
            "width": self.width,
            "height": self.height,
            "pages": self.pages,
            "has_text": self.has_text,
            "encoding": self.encoding,
        }


@dataclass
class Quote:
    """A reply (or an excerpt of it) carried into a later turn: who said it, and what.

    ``sources`` go with it (those cited within an excerpt, for an excerpt), and its
    ``reasoning`` only when the user chose to send the thinking too.
    """

    seat_id: str
    reply_id: str
    seat_label: str
    text: str
    sources: list[WebSource] = field(default_factory=list)
    reasoning: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Usage:
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None  # of the completion tokens, spent thinking
    # Web searches the provider ran for the answer (their fees are in the reply's cost
    # where litellm prices them).
    web_searches: int | None = None
    search_fee_usd: float | None = None  # of the reply's cost, what searching cost
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReplyError:
    kind: ErrorKind
    message: str
    retry_after: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class DeliveryHow(StrEnum):
    """How one attachment went to one seat."""

    IMAGE = "image"
    IMAGE_DOWNSCALED = "image_downscaled"
    PDF_NATIVE = "pdf_native"
    PDF_TEXT = "pdf_text"
    TEXT_INLINE = "text_inline"
    NOT_SENT = "not_sent"


@dataclass
class Delivery:
    """How one attachment went to one seat for one reply, with a note a person can read."""

    attachment_id: str
    how: DeliveryHow
    note: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reply:
    """One seat's answer to one turn."""

    seat_id: str
    id: str = field(default_factory=new_id)
    status: ReplyStatus = ReplyStatus.WAITING
    text: str = ""
    # What the model thought before answering, as it streamed it (never sent on).
    reasoning: str = ""
    reasoning_blocks: list[ReasoningBlock] = field(default_factory=list)
    # The web pages the answer rests on, in the order the provider gave them.
    sources: list[WebSource] = field(default_factory=list)
    error: ReplyError | None = None
    started_at: datetime | None = None
    reasoning_started_at: datetime | None = None
    first_token_at: datetime | None = None  # of the answer
    finished_at: datetime | None = None
    # The provider's word for how the answer ended ("stop", "length", …; None: unsaid).
    finish_reason: str | None = None
    usage: Usage | None = None
    cost_usd: float | None = None
    model_reported: str | None = None
    retry_of: str | None = None
    # How each attachment of the request went to this seat (empty when there were none).
    deliveries: list[Delivery] = field(default_factory=list)
    # The settings it was asked with (None: not known, an older file).
    sent_with: SentWith | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Turn:
    """What the user sent, to which seats, and every reply it got."""

    kind: TurnKind
    text: str
    targets: list[str]
    id: str = field(default_factory=new_id)
    attachment_ids: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    created_at: datetime = field(default_factory=now)
    replies: list[Reply] = field(default_factory=list)
    # A chair turn's mode (None for every other kind).
    mode: ChairMode | None = None
    # The quotes are labelled "Response A", "Response B", … in a shuffled order, so the
    # model reading them cannot tell whose each is (each quote keeps whose it is).
    anonymous: bool = False
    # Which model answered is withheld from the author until she votes.
    blind: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def latest_reply(self, seat_id: str) -> Reply | None:
        """The seat's most recent reply to this turn (a retry supersedes earlier ones)."""
        for reply in reversed(self.replies):
            if reply.seat_id == seat_id:
                return reply
        return None


class AnnotationKind(StrEnum):
    HIGHLIGHT = "highlight"
    COMMENT = "comment"
    STAR = "star"
    REACTION = "reaction"
    VOTE = "vote"  # the author's verdict: see Annotation.versus


@dataclass
class Annotation:
    """A mark the author puts on a reply, a turn or a seat."""

    kind: AnnotationKind
    target_id: str
    id: str = field(default_factory=new_id)
    start: int | None = None
    end: int | None = None
    note: str = ""
    created_at: datetime = field(default_factory=now)
    # The words start..end held when the mark was made: a range is re-found and checked
    # by them if the text it points into ever differs.
    exact: str | None = None
    # A vote: with no ``versus``, its target is the best answer of its turn (it beat every
    # other); with one, the target beat that reply, or tied with it (``tie``).
    versus: str | None = None
    tie: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Source:
    """Exchanges copied from another session (for its post), with where they came from.

    They keep their ids and are never part of this session's conversation: nothing in
    them is sent to a model.
    """

    session_id: str
    title: str
    created_at: datetime
    seats: list[Seat] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Session:
    """A whole debate: the seats, the turns in order, annotations and post settings."""

    title: str = ""
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    seats: list[Seat] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    post: Post = field(default_factory=Post)
    sources: list[Source] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    budget_usd: float | None = None  # what the author means to spend on it, at most
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def active_seats(self) -> list[Seat]:
        """The seats at the table now, in pane order (a chair is not at the table)."""
        return [seat for seat in self.seats if not seat.removed and not seat.chair]

    @property
    def chairs(self) -> list[Seat]:
        """The chairs that are not at the table, in the order they were added."""
        return [seat for seat in self.seats if seat.chair and not seat.removed]

    def seat(self, seat_id: str) -> Seat:
        """The seat with this id; KeyError if there is none."""
        for seat in self.seats:
            if seat.id == seat_id:
                return seat
        raise KeyError(seat_id)

    def find_turn(self, turn_id: str) -> Turn:
        """The turn with this id; KeyError if there is none."""
        for turn in self.turns:
            if turn.id == turn_id:
                return turn
        raise KeyError(turn_id)

    def find_reply(self, reply_id: str) -> tuple[Turn, Reply]:
        """The reply with this id and its turn; KeyError if there is none."""
        for turn in self.turns:
            for reply in turn.replies:
                if reply.id == reply_id:
                    return turn, reply
        raise KeyError(reply_id)

    def attachment(self, attachment_id: str) -> Attachment:
        """The attachment with this id; KeyError if there is none."""
        for attachment in self.attachments:
            if attachment.id == attachment_id:
                return attachment
        raise KeyError(attachment_id)
