"""Small attachment files made at run time, so the cases that must always be covered
never depend on ../shared/fixtures."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader, PdfWriter

EXIF_ORIENTATION = 0x0112


def png(width: int = 40, height: int = 30, mode: str = "RGB", colour: object = "red") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), colour).save(out, "PNG")  # type: ignore[arg-type]
    return out.getvalue()


def jpeg(width: int = 40, height: int = 30, orientation: int | None = None) -> bytes:
    """A JPEG whose top half is black and bottom half white (so a rotation shows)."""
    image = Image.new("RGB", (width, height), "white")
    image.paste((0, 0, 0), (0, 0, width, height // 2))
    exif = Image.Exif()
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def webp(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(out, "WEBP")
    return out.getvalue()


def animated_gif(frames: int = 3, width: int = 20, height: int = 10) -> bytes:
    colours = ["red", "green", "blue", "yellow"]
    images = [Image.new("RGB", (width, height), colours[i % 4]) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def text_pdf(*pages: str) -> bytes:
    """A PDF with one page per text, each in Helvetica (so it has a text layer)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for text in pages:
        content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        kids.append(len(objects) + 1)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (len(objects))
        )
    refs = " ".join(f"{k} 0 R" for k in kids).encode()
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def blank_pdf(pages: int = 1) -> bytes:
    """A PDF with no text at all (as a scan looks to a text extractor)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def owner_password_pdf(text: str = "Restricted but readable") -> bytes:
    """A PDF that opens without a password but has an owner password (no copying)."""
    reader = PdfReader(io.BytesIO(text_pdf(text)))
    writer = PdfWriter()
    writer.append_pages_from_reader(reader)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(password: str = "secret") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt(user_password=password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
