"""Attachments through the document to the fake server, on both gateways.

What each wire format received is asserted exactly: OpenAI ``image_url`` data URLs and
``file`` parts (litellm passes them through), Anthropic ``image`` and ``document``
blocks, Gemini ``inline_data`` (litellm's translations).
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from PIL import Image

from desktop.core.attachments import AttachmentError, AttachmentLimits, attachment_from_bytes
from desktop.core.attachments import read_attachment as read
from desktop.core.records.events import Gateway
from desktop.core.records.model import Attachment, DeliveryHow, ReplyStatus, Seat, Session
from desktop.core.session.document import SessionDocument
from desktop.core.transcript import dumps, loads
from tests import attachment_files as files
from tests.conftest import ROOT, seat_for, shared_fixtures
from tests.fakes.provider_server import FakeProviderServer, WireFormat

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCHEMA = json.loads((ROOT / "docs" / "transcript.schema.json").read_text())
WIRES: tuple[WireFormat, ...] = ("openai", "anthropic", "gemini")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def capable_seats(fake: FakeProviderServer, tag: str, **overrides: bool) -> list[Seat]:
    """One seat per wire format, on model names litellm does not know (so the overrides
    decide what each takes)."""
    seats = [seat_for(fake, wire, f"{tag}-{wire}") for wire in WIRES]
    for seat in seats:
        seat.vision = overrides.get("vision")
        seat.pdf = overrides.get("pdf")
    return seats


def text(wire: WireFormat, value: str) -> dict[str, Any]:
    return {"text": value} if wire == "gemini" else {"type": "text", "text": value}


def image(wire: WireFormat, mime: str, data: str) -> dict[str, Any]:
    if wire == "openai":
        return {"type": "image_url", "image_url": {"url": f"data:{mime};base64,{data}"}}
    if wire == "anthropic":
        return {"type": "image", "source": {"type": "base64", "media_type": mime, "data": data}}
    return {"inline_data": {"data": data, "mime_type": mime}}


def pdf(wire: WireFormat, name: str, data: str) -> dict[str, Any]:
    if wire == "openai":
        url = f"data:application/pdf;base64,{data}"
        return {"type": "file", "file": {"file_data": url, "filename": name}}
    if wire == "anthropic":
        # litellm drops the file name (Roundtable names the file in a text part before).
        source = {"type": "base64", "media_type": "application/pdf", "data": data}
        return {"type": "document", "source": source}
    return {"inline_data": {"data": data, "mime_type": "application/pdf"}}


def without_cache_marks(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in p.items() if k != "cache_control"} for p in parts]


async def test_each_wire_gets_images_pdfs_and_text_in_its_own_form(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    seats = capable_seats(fake, "all", vision=True, pdf=True)
    document = SessionDocument(gateway, Session(seats=seats))
    dot, memo = files.png(4, 3), files.text_pdf("Quarterly memo")
    attachments = [
        attachment_from_bytes("dot.png", dot),
        attachment_from_bytes("memo.pdf", memo),
        attachment_from_bytes("notes.md", b"# Notes\n\nUse `x`.\n"),
    ]
    turn = await document.send("What do these say?", attachments=attachments)

    assert all(r.status is ReplyStatus.COMPLETE for r in turn.replies), turn.replies
    for seat, wire in zip(seats, WIRES, strict=True):
        (request,) = fake.requests(f"all-{wire}")
        assert without_cache_marks(request.user_parts()) == [
            text(wire, "Attached file: dot.png"),
            image(wire, "image/png", b64(dot)),
            text(wire, "Attached file: memo.pdf"),
            pdf(wire, "memo.pdf", b64(memo)),
            text(wire, "File: notes.md\n```markdown\n# Notes\n\nUse `x`.\n```"),
            text(wire, "What do these say?"),
        ], wire
        reply = turn.latest_reply(seat.id)
        assert reply is not None
        assert [(d.attachment_id, d.how, d.note) for d in reply.deliveries] == [
            (attachments[0].id, DeliveryHow.IMAGE, "sent as an image"),
            (attachments[1].id, DeliveryHow.PDF_NATIVE, "sent as the PDF itself (1 page)"),
            (attachments[2].id, DeliveryHow.TEXT_INLINE, "sent as text (UTF-8, 3 lines)"),
        ]


async def test_a_model_without_vision_or_pdf_is_told_and_gets_text(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    # Model names litellm does not know, no overrides: neither images nor PDFs.
    seats = capable_seats(fake, "plain")
    document = SessionDocument(gateway, Session(seats=seats))
    photo = attachment_from_bytes("photo.jpg", files.jpeg(40, 30))
    paper = attachment_from_bytes("paper.pdf", files.text_pdf("First page", "Second page"))
    scan = attachment_from_bytes("scan.pdf", files.blank_pdf(1))
    turn = await document.send("Summarise.", attachments=[photo, paper, scan])

    expected_message = "\n\n".join(
        [
            f"[The user attached photo.jpg (JPEG image · 40×30 · {photo.size} bytes), but it "
            "could not be sent to you: this model does not take images.]",
            "File: paper.pdf (a PDF, sent as extracted text, 2 pages)\n```\n--- Page 1 ---\n"
            "First page\n\n--- Page 2 ---\nSecond page\n```",
            f"[The user attached scan.pdf (PDF · 1 page · {scan.size} bytes · no text layer "
            "(scan)), but it could not be sent to you: it is a scan with no text layer and this "
            "model does not take PDFs.]",
            "Summarise.",
        ]
    )
    for seat, wire in zip(seats, WIRES, strict=True):
        (request,) = fake.requests(f"plain-{wire}")
        # All text: one plain string, which every provider and local server takes.
        assert request.user_texts() == [expected_message]
        reply = turn.latest_reply(seat.id)
        assert reply is not None
        assert [(d.how, d.note) for d in reply.deliveries] == [
            (
                DeliveryHow.NOT_SENT,
                "not sent: this model does not take images (if it does, set vision = true for "
                "the seat)",
            ),
            (
                DeliveryHow.PDF_TEXT,
                "sent as extracted text, 2 pages (this model does not take PDFs)",
            ),
            (
                DeliveryHow.NOT_SENT,
                "not sent: a scan with no text layer, and this model does not take PDFs (if it "
                "does, set pdf = true for the seat)",
            ),
        ]


async def test_litellm_model_data_decides_unless_the_seat_says_otherwise(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    # litellm knows claude-sonnet-4-5 takes images and PDFs.
    known = seat_for(fake, "anthropic", "claude-sonnet-4-5", "Claude")
    blind = seat_for(fake, "openai", "gpt-4o", "GPT without eyes")
    blind.vision = False
    document = SessionDocument(gateway, Session(seats=[known, blind]))
    dot = files.png(2, 2)
    turn = await document.send("Look", attachments=[attachment_from_bytes("dot.png", dot)])

    (claude,) = fake.requests("claude-sonnet-4-5")
    assert image("anthropic", "image/png", b64(dot)) in without_cache_marks(claude.user_parts())
    (gpt,) = fake.requests("gpt-4o")
    assert "this model does not take images" in gpt.user_texts()[0]
    hows = {r.seat_id: r.deliveries[0].how for r in turn.replies}
    assert hows == {known.id: DeliveryHow.IMAGE, blind.id: DeliveryHow.NOT_SENT}


async def test_history_resends_earlier_attachments_and_says_so(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    seats = capable_seats(fake, "history", vision=True, pdf=True)
    document = SessionDocument(gateway, Session(seats=seats))
    dot = attachment_from_bytes("dot.png", files.png(3, 3))
    await document.send("First", attachments=[dot])
    second = await document.send("And now?")

    for seat, wire in zip(seats, WIRES, strict=True):
        first_request, second_request = fake.requests(f"history-{wire}")
        assert second_request.user_parts(0) == first_request.user_parts(0)
        assert image(wire, "image/png", b64(files.png(3, 3))) in without_cache_marks(
            second_request.user_parts(0)
        )
        reply = second.latest_reply(seat.id)
        assert reply is not None
        assert [(d.attachment_id, d.how) for d in reply.deliveries] == [(dot.id, DeliveryHow.IMAGE)]


def sent_image(request_parts: list[dict[str, Any]], wire: WireFormat) -> Image.Image:
    for part in request_parts:
        if wire == "openai" and part.get("type") == "image_url":
            data = part["image_url"]["url"].split(",", 1)[1]
        elif wire == "anthropic" and part.get("type") == "image":
            data = part["source"]["data"]
        elif wire == "gemini" and "inline_data" in part:
            data = part["inline_data"]["data"]
        else:
            continue
        return Image.open(io.BytesIO(base64.b64decode(data)))
    raise AssertionError("no image was sent")


async def test_images_are_rotated_flattened_to_one_frame_and_downscaled_per_provider(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    seats = capable_seats(fake, "pixels", vision=True)
    document = SessionDocument(gateway, Session(seats=seats))
    rotated = attachment_from_bytes("rotated.jpg", files.jpeg(40, 30, orientation=6))
    animated = attachment_from_bytes("anim.gif", files.animated_gif(3))
    tall = attachment_from_bytes("tall.png", files.png(1000, 4000))
    turn = await document.send("Pictures", attachments=[rotated, animated, tall])

    tall_sizes = {"openai": (512, 2048), "anthropic": (392, 1568), "gemini": (768, 3072)}
    for seat, wire in zip(seats, WIRES, strict=True):
        (request,) = fake.requests(f"pixels-{wire}")
        parts = request.user_parts()
        images = [sent_image([p], wire) for p in parts if "text" not in p]
        # Stored 40×30 landscape with "rotate 90°": sent upright, 30×40, dark half on the right.
        assert (images[0].format, images[0].size) == ("JPEG", (30, 40))
        assert images[0].getpixel((25, 20))[0] < 60  # type: ignore[index]
        assert (images[1].format, images[1].size) == ("PNG", (20, 10))
        assert (images[2].format, images[2].size) == ("PNG", tall_sizes[wire])
        reply = turn.latest_reply(seat.id)
        assert reply is not None
        notes = [(d.how, d.note) for d in reply.deliveries]
        provider = {"openai": "OpenAI", "anthropic": "Anthropic", "gemini": "Gemini"}[wire]
        width, height = tall_sizes[wire]
        assert notes == [
            (DeliveryHow.IMAGE, "sent as an image; EXIF rotation applied"),
            (DeliveryHow.IMAGE, "sent as an image; first of 3 frames, as PNG"),
            (
                DeliveryHow.IMAGE_DOWNSCALED,
                f"downscaled from 1000×4000 to {width}×{height} (the most {provider} uses) "
                "and sent as an image",
            ),
        ]


async def test_a_turn_over_the_size_limit_sends_nothing(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    seats = capable_seats(fake, "limit", vision=True)
    session = Session(seats=seats)
    document = SessionDocument(
        gateway, session, limits=AttachmentLimits(per_file=2000, per_turn=3000)
    )
    big = [attachment_from_bytes(f"{n}.txt", b"z" * 1800) for n in range(2)]
    with pytest.raises(AttachmentError, match=r"the limit is 2\.9 KB per turn"):
        await document.send("Too much", attachments=big)
    assert fake.requests() == []
    assert session.turns == []
    assert session.attachments == []


async def test_the_same_file_twice_is_kept_once_and_the_transcript_has_it_all(
    fake: FakeProviderServer, gateway: Gateway, tmp_path: Path
) -> None:
    seats = capable_seats(fake, "saved", pdf=True)
    session = Session(seats=seats)
    document = SessionDocument(gateway, session)
    memo = files.text_pdf("Memo")
    first = await document.send("Read", attachments=[attachment_from_bytes("memo.pdf", memo)])
    second = await document.send("Again", attachments=[attachment_from_bytes("memo.pdf", memo)])
    assert len(session.attachments) == 1
    assert first.attachment_ids == second.attachment_ids == [session.attachments[0].id]

    raw = dumps(session)
    jsonschema.validate(json.loads(raw), SCHEMA)
    reopened = loads(raw).session
    assert reopened == session
    reply = reopened.turns[1].replies[0]
    assert [(d.how, d.note) for d in reply.deliveries] == [
        (DeliveryHow.PDF_NATIVE, "sent as the PDF itself (1 page)")
    ]


# -- the real-world files (skipped without ../shared/fixtures) -------------------------


def fixture(name: str) -> Attachment:
    return read(shared_fixtures("attachments", name))


async def test_the_shared_paper_and_screenshot_on_every_wire(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    paper = fixture("pdf-paper-arxiv-2304.02623-4pages.pdf")
    screenshot = fixture("img-png-screenshot.png")
    photo = fixture("img-jpeg-exif-orientation-6.jpg")
    latin = fixture("txt-latin1-french.txt")
    seats = capable_seats(fake, "real", vision=True, pdf=True)
    document = SessionDocument(gateway, Session(seats=seats))
    turn = await document.send("Your take?", attachments=[paper, screenshot, photo, latin])

    screenshot_sizes = {"openai": (1329, 2048), "anthropic": (1017, 1568), "gemini": (1656, 2552)}
    for seat, wire in zip(seats, WIRES, strict=True):
        (request,) = fake.requests(f"real-{wire}")
        parts = without_cache_marks(request.user_parts())
        assert parts[1] == pdf(wire, paper.name, b64(paper.data))
        assert sent_image([parts[3]], wire).size == screenshot_sizes[wire]
        assert sent_image([parts[5]], wire).size == (600, 450)
        assert parts[6] == text(
            wire, f"File: {latin.name}\n```\n{latin.data.decode('latin-1').rstrip()}\n```"
        )
        reply = turn.latest_reply(seat.id)
        assert reply is not None
        assert [d.how for d in reply.deliveries] == [
            DeliveryHow.PDF_NATIVE,
            DeliveryHow.IMAGE if wire == "gemini" else DeliveryHow.IMAGE_DOWNSCALED,
            DeliveryHow.IMAGE,
            DeliveryHow.TEXT_INLINE,
        ]
        assert reply.deliveries[0].note == "sent as the PDF itself (4 pages)"
        assert reply.deliveries[3].note == "sent as text (ISO-8859-1, 21 lines)"


async def test_the_shared_pdfs_to_a_model_without_pdf_support(
    fake: FakeProviderServer, gateway: Gateway
) -> None:
    paper = fixture("pdf-paper-arxiv-2304.02623-4pages.pdf")
    scan = fixture("pdf-scanned-image-only-no-text.pdf")
    multilingual = fixture("pdf-multilingual-arabic-cjk-thai.pdf")
    seat = seat_for(fake, "openai", "textonly")
    document = SessionDocument(gateway, Session(seats=[seat]))
    turn = await document.send("Compare", attachments=[paper, scan, multilingual])

    (sent,) = fake.requests("textonly")[0].user_texts()
    assert (
        "File: pdf-paper-arxiv-2304.02623-4pages.pdf (a PDF, sent as extracted text, 4 pages)"
        in sent
    )
    assert "Beyond Summarization" in sent
    assert "--- Page 4 ---" in sent
    assert "scan with no text layer" in sent
    assert "你好世界" in sent
    assert [d.how for d in turn.replies[0].deliveries] == [
        DeliveryHow.PDF_TEXT,
        DeliveryHow.NOT_SENT,
        DeliveryHow.PDF_TEXT,
    ]
