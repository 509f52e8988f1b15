"""Every type's fields in the transcript, written once: the encoder and the decoder both
use these tables (``docs/transcript.md`` says what each field means).

A field added to a model type is added here, in the order it is written, and to the
documentation and the schema; the round-trip property test fails until it is.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from desktop.core.records.evidence import Citation, ReasoningBlock, SentWith, WebSource
from desktop.core.records.model import (
    Annotation,
    AnnotationKind,
    Attachment,
    AttachmentKind,
    ChairMode,
    Delivery,
    DeliveryHow,
    ErrorKind,
    Quote,
    ReasoningEffort,
    Reply,
    ReplyError,
    ReplyStatus,
    SearchContext,
    Seat,
    Session,
    Source,
    Turn,
    TurnKind,
    Usage,
)
from desktop.core.records.post_blocks import (
    AttributionBlock,
    ItemShow,
    Post,
    PostItem,
    ScoreboardBlock,
    ScoreLine,
    SectionBlock,
    TextBlock,
    UnknownBlock,
)
from desktop.core.transcript.codec import (
    Choice,
    Codec,
    Const,
    Derived,
    Document,
    Field,
    Given,
    Kind,
    Nested,
    Number,
    Objects,
    Scalar,
    Tagged,
    Texts,
    Time,
    fetch,
    type_name,
)
from desktop.core.transcript.errors import DocumentProblem
from desktop.core.trust import is_variable_name

FORMAT = "roundtable.session"
VERSION = 3

TEXT = Scalar((str,), "a string", required=True)
OPT_TEXT = Scalar((str,), "a string")


class VariableName(Scalar):
    """An environment variable's name, or null; anything else is refused unshown (a key
    pasted there would otherwise be echoed in errors, panes and transcripts)."""

    def __init__(self) -> None:
        super().__init__((str,), "a string")

    def read(self, data: Document, key: str, where: str) -> Any:
        value = super().read(data, key, where)
        if value is not None and not is_variable_name(value):
            raise DocumentProblem(
                f"{where}.{key} is not an environment variable name (not shown: it may be a key)"
            )
        return value


OPT_INT = Scalar((int,), "a whole number")
OPT_FLAG = Scalar((bool,), "true, false or null")  # null means "not said"
FLAG = Scalar((bool,), "true or false", absent=False)
OPT_NUMBER = Number()
TIME = Time()
OPT_TIME = Time(required=False)

SEAT = Codec(
    Seat,
    Field("id", TEXT),
    Field("label", TEXT),
    Field("model", TEXT),
    Field("api_base", OPT_TEXT),
    Field("api_key_env", VariableName()),
    Field("system_prompt", OPT_TEXT),
    Field("temperature", OPT_NUMBER),
    Field("max_tokens", OPT_INT),
    Field("reasoning_effort", Choice(ReasoningEffort, required=False)),
    Field("colour", OPT_TEXT),
    Field("removed", FLAG),
    Field("vision", OPT_FLAG),
    Field("pdf", OPT_FLAG),
    Field("chair", FLAG),
    Field("web_search", FLAG),
    Field("search_context", Choice(SearchContext, required=False)),
)

REASONING_BLOCK = Codec(
    ReasoningBlock,
    Field("kind", TEXT),
    Field("signature", OPT_TEXT),
    Field("data", OPT_TEXT),
)

USAGE = Codec(
    Usage,
    Field("prompt_tokens", OPT_INT),
    Field("completion_tokens", OPT_INT),
    Field("reasoning_tokens", OPT_INT),
    Field("web_searches", OPT_INT),
    Field("search_fee_usd", OPT_NUMBER),
)

CITATION = Codec(
    Citation,
    Field("start", Scalar((int,), "a whole number", required=True)),
    Field("end", Scalar((int,), "a whole number", required=True)),
)

WEB_SOURCE = Codec(
    WebSource,
    Field("url", TEXT),
    Field("title", TEXT),
    Field("cited", Objects(CITATION, absent_ok=True)),
)

REPLY_ERROR = Codec(
    ReplyError,
    Field("kind", Choice(ErrorKind)),
    Field("message", TEXT),
    Field("retry_after", OPT_NUMBER),
)

DELIVERY = Codec(
    Delivery,
    Field("attachment_id", TEXT),
    Field("how", Choice(DeliveryHow)),
    Field("note", TEXT),
)

SENT_WITH = Codec(
    SentWith,
    Field("model", TEXT),
    Field("api_base", OPT_TEXT),
    Field("temperature", OPT_NUMBER),
    Field("max_tokens", OPT_INT),
    Field("reasoning_effort", OPT_TEXT),
    Field("web_search", FLAG),
    Field("search_context", OPT_TEXT),
)

REPLY = Codec(
    Reply,
    Field("id", TEXT),
    Field("seat_id", TEXT),
    Field("status", Choice(ReplyStatus)),
    Field("text", TEXT),
    Field("reasoning", TEXT),
    Field("reasoning_blocks", Objects(REASONING_BLOCK, absent_ok=True)),
    Field("sources", Objects(WEB_SOURCE, absent_ok=True)),
    Field("error", Nested(REPLY_ERROR)),
    Field("started_at", OPT_TIME),
    Field("reasoning_started_at", OPT_TIME),
    Field("first_token_at", OPT_TIME),
    Field("finished_at", OPT_TIME),
    Field("finish_reason", OPT_TEXT),
    Field("usage", Nested(USAGE)),
    Field("cost_usd", OPT_NUMBER),
    Field("model_reported", OPT_TEXT),
    Field("retry_of", OPT_TEXT),
    Field("deliveries", Objects(DELIVERY, absent_ok=True)),
    Field("sent_with", Nested(SENT_WITH)),
)

QUOTE = Codec(
    Quote,
    Field("seat_id", TEXT),
    Field("reply_id", TEXT),
    Field("seat_label", TEXT),
    Field("text", TEXT),
    Field("sources", Objects(WEB_SOURCE, absent_ok=True)),
    Field("reasoning", Scalar((str,), "a string", absent="")),
)

TURN = Codec(
    Turn,
    Field("id", TEXT),
    Field("kind", Choice(TurnKind)),
    Field("text", TEXT),
    Field("targets", Texts()),
    Field("attachments", Texts(), attr="attachment_ids"),
    Field("quotes", Objects(QUOTE)),
    Field("created_at", TIME),
    Field("replies", Objects(REPLY)),
    Field("mode", Choice(ChairMode, required=False)),
    Field("anonymous", FLAG),
    Field("blind", FLAG),
)

# The bytes are not a field: they are in the session's blobs under their sha256.
ATTACHMENT = Codec(
    Attachment,
    Field("id", TEXT),
    Field("name", TEXT),
    Field("mime_type", TEXT),
    Field("sha256", TEXT),
    Field("kind", Choice(AttachmentKind, required=False)),
    Field("width", OPT_INT),
    Field("height", OPT_INT),
    Field("pages", OPT_INT),
    Field("has_text", OPT_FLAG),
    Field("encoding", OPT_TEXT),
    Field("size", Derived()),
)


class OwnBlobs(dict[str, bytes]):
    """The bytes of a session's own attachments by sha256, given in place of the blobs
    when a document is checked before it is written: they were checked against their
    sha256 when read, and encoding them only to decode them again would cost a
    hundred megabytes of work a save."""


class AttachmentsWithBytes(Kind):
    """The session's attachments, each read with its bytes from the session's blobs
    (checked against its sha256)."""

    def write(self, value: list[Attachment]) -> list[Document]:
        return [ATTACHMENT.encode(a) for a in value]

    def read(self, data: Document, key: str, where: str) -> list[Attachment]:
        blobs = data.get("blobs", {})
        if not isinstance(blobs, dict):
            raise DocumentProblem(f"{where}.blobs should be an object, not {type_name(blobs)}")
        out = []
        for i, item in enumerate(fetch(data, key, where, (list,), "a list", False)):
            at = f"{where}.{key}[{i}]"
            arguments = ATTACHMENT.arguments(item, at)
            arguments["data"] = _bytes(blobs, arguments["sha256"], at, arguments["name"])
            out.append(Attachment(**arguments))
        return out


def _bytes(blobs: dict[str, Any], sha: str, where: str, name: str) -> bytes:
    encoded = blobs.get(sha)
    if isinstance(blobs, OwnBlobs) and isinstance(encoded, bytes):
        return encoded
    if not isinstance(encoded, str):
        raise DocumentProblem(f"{where}: its bytes (blobs[{sha[:12]}…]) are missing from the file")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise DocumentProblem(f"blobs[{sha[:12]}…] is not valid base64") from None
    if hashlib.sha256(data).hexdigest() != sha:
        raise DocumentProblem(f"{where} ({name!r}): its bytes do not match their sha256")
    return data


ANNOTATION = Codec(
    Annotation,
    Field("id", TEXT),
    Field("kind", Choice(AnnotationKind)),
    Field("target_id", TEXT),
    Field("start", OPT_INT),
    Field("end", OPT_INT),
    Field("note", TEXT),
    Field("created_at", TIME),
    Field("exact", OPT_TEXT),
    Field("versus", OPT_TEXT),
    Field("tie", FLAG),
)

POST_TEXT = Scalar((str,), "a string", absent="")

POST_ITEM = Codec(
    PostItem,
    Field("turn_id", TEXT),
    Field("reply_id", OPT_TEXT),
    Field("prompt", OPT_TEXT),
    Field("show", Choice(ItemShow)),
    Field("start", OPT_INT),
    Field("end", OPT_INT),
    Field("reasoning", FLAG),
)

SCORE_LINE = Codec(
    ScoreLine,
    Field("model", TEXT),
    Field("label", TEXT),
    Field("votes", Scalar((int,), "a whole number", absent=0)),
    Field("wins", Scalar((int,), "a whole number", absent=0)),
    Field("losses", Scalar((int,), "a whole number", absent=0)),
    Field("ties", Scalar((int,), "a whole number", absent=0)),
    Field("strength", OPT_NUMBER),
    Field("low", OPT_NUMBER),
    Field("high", OPT_NUMBER),
    Field("peer_rank", OPT_NUMBER),
    Field("stars", Scalar((int,), "a whole number", absent=0)),
    Field("reactions", Scalar((int,), "a whole number", absent=0)),
)

BLOCKS = Tagged(
    {
        "text": Codec(TextBlock, Field("kind", Const("text")), Field("markdown", TEXT)),
        "attribution": Codec(
            AttributionBlock, Field("kind", Const("attribution")), Field("text", OPT_TEXT)
        ),
        "scoreboard": Codec(
            ScoreboardBlock,
            Field("kind", Const("scoreboard")),
            Field("lines", Objects(SCORE_LINE)),
            Field("taken_at", OPT_TIME),
            Field("tag", OPT_TEXT),
        ),
        "section": Codec(
            SectionBlock,
            Field("kind", Const("section")),
            Field("id", TEXT),
            Field("seat_id", TEXT),
            Field("heading", OPT_TEXT),
            Field("reaction", OPT_TEXT),
            Field("items", Objects(POST_ITEM)),
        ),
    },
    absent_ok=True,
    unknown=UnknownBlock,
)

POST = Codec(
    Post,
    Field("title", POST_TEXT),
    Field("subtitle", POST_TEXT),
    Field("blocks", BLOCKS),
    Field("excluded_ids", Texts(absent_ok=True)),
)

SOURCE = Codec(
    Source,
    Field("session_id", TEXT),
    Field("title", TEXT),
    Field("created_at", TIME),
    Field("seats", Objects(SEAT)),
    Field("turns", Objects(TURN)),
)

SESSION = Codec(
    Session,
    Field("format", Const(FORMAT)),
    Field("version", Const(VERSION)),
    Field("id", TEXT),
    Field("title", TEXT),
    Field("created_at", TIME),
    Field("updated_at", TIME),
    Field("seats", Objects(SEAT)),
    Field("turns", Objects(TURN)),
    Field("attachments", AttachmentsWithBytes()),
    # Each attachment's bytes once, base64, by sha256: the encoder supplies them so that
    # a save can stream them in pieces (see encode.dump_chunks).
    Field("blobs", Given()),
    Field("annotations", Objects(ANNOTATION, absent_ok=True)),
    Field("post", Nested(POST, default=True)),
    Field("sources", Objects(SOURCE, absent_ok=True)),
    Field("tags", Texts(absent_ok=True)),
    Field("budget_usd", OPT_NUMBER),
)
