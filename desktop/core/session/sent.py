"""What one reply was sent: the messages as its seat received them, and the settings.

Rebuilt from the transcript the way every request is built (``conversation``): the
seat's system prompt, its own history, the turn's text with other seats' answers quoted
and labelled (their sources too, their reasoning where the user chose to send it), and
each attachment as it went to this seat (how, from the reply's deliveries). The settings
are those kept with the reply when it was asked. Nothing in it is a key: the transcript
holds none. Plain data, ready to show and to copy as JSON.
"""

from __future__ import annotations

import json
from typing import Any

from desktop.core.attachments import describe
from desktop.core.attachments.texts import text_of
from desktop.core.records.events import ATTACHMENT_PART
from desktop.core.records.model import AttachmentKind, Delivery, Session
from desktop.core.session import conversation

# The most characters of an attached text file the view shows (the file itself went
# whole; the transcript has its bytes).
MAX_FILE_TEXT = 20_000


def what_was_sent(session: Session, reply_id: str) -> dict[str, Any]:
    """The request ``reply_id`` answered, as JSON-ready data; KeyError when there is no
    such reply."""
    turn, reply = session.find_reply(reply_id)
    seat = session.seat(reply.seat_id)
    deliveries = {d.attachment_id: d for d in reply.deliveries}
    messages = conversation.messages_for(session, seat.id, turn)
    settings: dict[str, Any] | None = None
    if reply.sent_with is not None:
        kept = reply.sent_with
        settings = {
            "model": kept.model,
            "api_base": kept.api_base,
            "temperature": kept.temperature,
            "max_tokens": kept.max_tokens,
            "reasoning_effort": kept.reasoning_effort,
            "web_search": kept.web_search,
            "search_context": kept.search_context,
        }
    return {
        "reply_id": reply.id,
        "seat": seat.label,
        "model": reply.sent_with.model if reply.sent_with else seat.model,
        # None: an answer from before Roundtable kept them (the seat's may differ now).
        "settings": settings,
        "messages": [_message(session, m, deliveries) for m in messages],
    }


def as_json(sent: dict[str, Any]) -> str:
    """The request as JSON a person can read and paste (Unicode kept, indented)."""
    return json.dumps(sent, ensure_ascii=False, indent=2)


def _message(
    session: Session, message: dict[str, Any], deliveries: dict[str, Delivery]
) -> dict[str, Any]:
    content = message["content"]
    if isinstance(content, str):
        return {"role": message["role"], "content": content}
    parts = []
    for part in content:
        if part.get("type") == ATTACHMENT_PART:
            parts.append(_attachment(session, part["attachment_id"], deliveries))
        else:
            parts.append(dict(part))
    return {"role": message["role"], "content": parts}


def _attachment(
    session: Session, attachment_id: str, deliveries: dict[str, Delivery]
) -> dict[str, Any]:
    attachment = session.attachment(attachment_id)
    delivery = deliveries.get(attachment_id)
    out: dict[str, Any] = {
        "type": "attachment",
        "name": attachment.name,
        "file": describe(attachment),
        "sent_as": delivery.how.value if delivery else None,
        "note": delivery.note if delivery else "not recorded for this answer",
    }
    if attachment.kind is AttachmentKind.TEXT:
        text = text_of(attachment)
        cut = len(text) - MAX_FILE_TEXT
        out["text"] = text[:MAX_FILE_TEXT] + (f"\n[… {cut:,} more characters]" if cut > 0 else "")
    return out
