"""Attachments into parts, without a server: capabilities, caching, fences, protocol."""

from __future__ import annotations

import hashlib
import io
import json
import os

import pytest
from PIL import Image

from desktop.core.attachments import attachment_from_bytes
from desktop.core.records.events import (
    Delivered,
    ReplyRequest,
    attachment_part,
)
from desktop.core.records.model import Attachment, AttachmentKind, Delivery, DeliveryHow
from desktop.core.utils.stamps import new_id
from desktop.providers import event_codecs, image_prep, parts
from desktop.providers.capabilities import Capabilities, resolve
from tests import attachment_files as files

BOTH = Capabilities(vision=True, pdf=True)


def request_with(*attachments: Attachment, model: str = "openai/x") -> ReplyRequest:
    content = [*(attachment_part(a.id) for a in attachments), {"type": "text", "text": "Hi"}]
    return ReplyRequest(
        reply_id=new_id(),
        seat_label="S",
        model=model,
        messages=[{"role": "user", "content": content}],
        attachments=attachments,
    )


@pytest.mark.parametrize(
    ("model", "vision", "pdf", "expected"),
    [
        ("anthropic/claude-sonnet-4-5", None, None, Capabilities(True, True)),
        ("openai/gpt-4o", False, None, Capabilities(False, True)),
        ("openai/gpt-3.5-turbo", None, None, Capabilities(False, False)),
        ("openai/my-local-model", True, True, Capabilities(True, True)),
        ("no-such-provider/whatever", None, None, Capabilities(False, False)),
    ],
)
def test_seat_overrides_then_litellm_data_then_no(
    model: str, vision: bool | None, pdf: bool | None, expected: Capabilities
) -> None:
    assert resolve(model, vision, pdf) == expected


def test_conversions_are_cached_by_content(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = image_prep.prepare_image

    def counting(
        data: bytes, mime: str, limits: image_prep.ImageLimits
    ) -> image_prep.PreparedImage:
        calls.append(limits.provider)
        return real(data, mime, limits)

    monkeypatch.setattr(parts, "prepare_image", counting)
    data = files.png(9, 7, colour=(9, 8, 7))
    first = attachment_from_bytes("cached.png", data)
    again = attachment_from_bytes("cached.png", data)  # another record, same bytes
    parts.deliver(request_with(first), BOTH)
    parts.deliver(request_with(again), BOTH)
    parts.deliver(request_with(first, model="anthropic/y"), BOTH)
    assert calls == ["OpenAI", "Anthropic"]


def test_a_fence_is_longer_than_any_backticks_inside() -> None:
    notes = attachment_from_bytes("notes.md", b"Code:\n```python\nx = 1\n```\n")
    messages, _ = parts.deliver(request_with(notes), BOTH)
    assert messages[0]["content"] == (
        "File: notes.md\n````markdown\nCode:\n```python\nx = 1\n```\n````\n\nHi"
    )


def test_an_attachment_saved_without_its_facts_is_checked_when_sent() -> None:
    # As an older or foreign transcript has it: bytes, name and type only.
    data = files.text_pdf("Old file")
    bare = Attachment("old.pdf", "application/pdf", data, hashlib.sha256(data).hexdigest())
    junk = Attachment("odd.bin", "application/octet-stream", b"\x00\x01" * 50, "0" * 64)
    messages, deliveries = parts.deliver(request_with(bare, junk), Capabilities(False, False))
    assert [(d.attachment_id, d.how) for d in deliveries] == [
        (bare.id, DeliveryHow.PDF_TEXT),
        (junk.id, DeliveryHow.NOT_SENT),
    ]
    assert "--- Page 1 ---\nOld file" in messages[0]["content"]
    assert deliveries[1].note.startswith("not sent: it is binary data of a type Roundtable")
    assert bare.kind is None  # the request's attachment is left as it was


def test_a_file_that_breaks_its_converter_is_not_sent_and_the_reply_goes_on() -> None:
    # A transcript that says "image" over bytes that are not one (edited, or damaged).
    data = b"GIF89a" + bytes(40)
    broken = Attachment(
        "odd.gif", "image/gif", data, hashlib.sha256(data).hexdigest(), kind=AttachmentKind.IMAGE
    )
    messages, deliveries = parts.deliver(request_with(broken), Capabilities(True, True))
    assert [d.how for d in deliveries] == [DeliveryHow.NOT_SENT]
    assert deliveries[0].note.startswith("not sent: it could not be prepared (")
    assert "odd.gif" in json.dumps(messages)


def test_a_pdf_with_only_an_owner_password_is_kept_and_sent_as_its_text() -> None:
    restricted = attachment_from_bytes("rules.pdf", files.owner_password_pdf("House rules"))
    assert restricted.kind is AttachmentKind.PDF
    assert restricted.has_text
    messages, deliveries = parts.deliver(request_with(restricted), Capabilities(True, True))
    assert [d.how for d in deliveries] == [DeliveryHow.PDF_TEXT]
    assert "owner password" in deliveries[0].note
    assert "House rules" in json.dumps(messages)


def test_requests_and_delivered_events_cross_the_worker_boundary_as_json() -> None:
    pasted = attachment_from_bytes("pasted.png", files.png(5, 5))
    request = ReplyRequest(
        reply_id="r1",
        seat_label="S",
        model="openai/x",
        messages=[{"role": "user", "content": [attachment_part(pasted.id)]}],
        attachments=(pasted,),
        vision=True,
        pdf=False,
    )
    assert ReplyRequest.from_dict(json.loads(json.dumps(request.to_dict()))) == request
    event = Delivered((Delivery(pasted.id, DeliveryHow.IMAGE_DOWNSCALED, "downscaled"),))
    assert event_codecs.checked_event(json.loads(json.dumps(event_codecs.encode(event)))) == event


def test_an_image_too_many_bytes_for_the_provider_goes_as_a_smaller_jpeg() -> None:
    # Noise with transparency: as PNG far over Anthropic's size at any scale.
    image = Image.frombytes("RGBA", (1200, 1200), os.urandom(1200 * 1200 * 4))
    out = io.BytesIO()
    image.save(out, "PNG")
    limits = image_prep.IMAGE_LIMITS["anthropic"]
    assert len(out.getvalue()) > limits.max_bytes
    prepared = image_prep.prepare_image(out.getvalue(), "image/png", limits)
    assert prepared.mime_type == "image/jpeg"
    assert len(prepared.data) <= limits.max_bytes
    assert prepared.changes == ("as JPEG to fit the size limit",)
    assert Image.open(io.BytesIO(prepared.data)).mode == "RGB"  # flattened onto white
