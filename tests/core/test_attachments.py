"""Reading and checking files at attach time: types, encodings, limits, refusals."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from desktop.core.attachments import (
    AttachmentError,
    AttachmentLimits,
    attachment_from_bytes,
    check_turn_size,
    describe,
    human_size,
    read_attachment,
    save_attachment_out,
    text_of,
)
from desktop.core.attachments.limits import GB, KB, MAX_FILE_SIZE, MB
from desktop.core.records.model import AttachmentKind
from tests import attachment_files as files
from tests.conftest import shared_fixtures

# -- the real-world fixtures in ../shared/fixtures/attachments ------------------------

# name → (kind, mime type, describe()) for files that are accepted.
ACCEPTED = {
    "img-png-screenshot.png": (AttachmentKind.IMAGE, "image/png", "PNG image · 1656×2552 · 616 KB"),
    "img-jpeg-exif-orientation-6.jpg": (
        AttachmentKind.IMAGE,
        "image/jpeg",
        "JPEG image · 600×450 · 134 KB",
    ),
    "img-png-transparent-rgba.png": (
        AttachmentKind.IMAGE,
        "image/png",
        "PNG image · 200×150 · 26 KB",
    ),
    "img-webp-photo-lossy.webp": (
        AttachmentKind.IMAGE,
        "image/webp",
        "WebP image · 1024×772 · 173 KB",
    ),
    "img-gif-animated-31-frames.gif": (
        AttachmentKind.IMAGE,
        "image/gif",
        "GIF image · 320×240 · 84 KB",
    ),
    "img-png-large-4160x870.png": (
        AttachmentKind.IMAGE,
        "image/png",
        "PNG image · 4160×870 · 1.4 MB",
    ),
    "pdf-paper-arxiv-2304.02623-4pages.pdf": (
        AttachmentKind.PDF,
        "application/pdf",
        "PDF · 4 pages · 914 KB",
    ),
    "pdf-onepage-text-crazyones.pdf": (
        AttachmentKind.PDF,
        "application/pdf",
        "PDF · 1 page · 16 KB",
    ),
    "pdf-multilingual-arabic-cjk-thai.pdf": (
        AttachmentKind.PDF,
        "application/pdf",
        "PDF · 1 page · 29 KB",
    ),
    "pdf-scanned-image-only-no-text.pdf": (
        AttachmentKind.PDF,
        "application/pdf",
        "PDF · 1 page · 78 KB · no text layer (scan)",
    ),
    # pypdf repairs the broken cross-reference table, as viewers do.
    "pdf-damaged-broken-xref.pdf": (
        AttachmentKind.PDF,
        "application/pdf",
        "PDF · 1 page · 958 bytes",
    ),
    "txt-latin1-french.txt": (AttachmentKind.TEXT, "text/plain", "Text (ISO-8859-1) · 2.0 KB"),
    # Control bytes and terminal escapes, but valid UTF-8 text all the same.
    "txt-utf8-naughty-strings.txt": (AttachmentKind.TEXT, "text/plain", "Text (UTF-8) · 29 KB"),
}

REFUSED = {
    "img-jpeg-huge-20000x14000.jpg": "has too many pixels (280 megapixels); Roundtable decodes at most 89 megapixels, so it could be a decompression bomb",
    "img-jpeg-truncated.jpg": "is damaged or cut short and cannot be read as an image",
    "img-png-truncated.png": "is damaged or cut short and cannot be read as an image",
    "pdf-encrypted-password.pdf": "is password-protected (encrypted)",
}


def test_every_shared_fixture_has_an_expected_outcome() -> None:
    folder = shared_fixtures("attachments")
    present = {p.name for p in folder.iterdir() if p.name != "README.md"}
    assert present == set(ACCEPTED) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_shared_fixture_is_accepted_with_its_facts(name: str) -> None:
    path = shared_fixtures("attachments", name)
    kind, mime, description = ACCEPTED[name]
    attachment = read_attachment(path)
    assert (attachment.kind, attachment.mime_type, describe(attachment)) == (
        kind,
        mime,
        description,
    )
    assert attachment.name == name
    assert attachment.data == path.read_bytes()
    assert attachment.sha256 == hashlib.sha256(attachment.data).hexdigest()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_shared_fixture_is_refused_naming_the_file_and_why(name: str) -> None:
    path = shared_fixtures("attachments", name)
    with pytest.raises(AttachmentError) as caught:
        read_attachment(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert REFUSED[name] in caught.value.reason


def test_the_shared_pdfs_facts() -> None:
    paper = read_attachment(shared_fixtures("attachments", "pdf-paper-arxiv-2304.02623-4pages.pdf"))
    scan = read_attachment(shared_fixtures("attachments", "pdf-scanned-image-only-no-text.pdf"))
    assert (paper.pages, paper.has_text) == (4, True)
    assert (scan.pages, scan.has_text) == (1, False)


def test_the_latin1_text_decodes_correctly() -> None:
    attachment = read_attachment(shared_fixtures("attachments", "txt-latin1-french.txt"))
    assert attachment.encoding == "ISO-8859-1"
    text = text_of(attachment)
    assert text.startswith("Le type de visa requis pour entrer en France dépend à la fois")
    assert "\ufffd" not in text


def test_the_naughty_strings_decode_as_utf8() -> None:
    attachment = read_attachment(shared_fixtures("attachments", "txt-utf8-naughty-strings.txt"))
    assert attachment.encoding == "UTF-8"
    assert text_of(attachment) == attachment.data.decode("utf-8")


# -- files made here: always covered --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "mime", "size"),
    [
        ("a.png", files.png(40, 30), "image/png", (40, 30)),
        ("b.webp", files.webp(40, 30), "image/webp", (40, 30)),
        ("c.gif", files.animated_gif(3, 20, 10), "image/gif", (20, 10)),
        # Stored 40×30 with orientation 6: displayed a quarter turn round.
        ("d.jpg", files.jpeg(40, 30, orientation=6), "image/jpeg", (30, 40)),
        ("e.jpg", files.jpeg(40, 30, orientation=1), "image/jpeg", (40, 30)),
        # Content decides, not the name.
        ("really-a-jpeg.png", files.jpeg(8, 8), "image/jpeg", (8, 8)),
    ],
)
def test_images_are_accepted_with_their_displayed_size(
    name: str, data: bytes, mime: str, size: tuple[int, int]
) -> None:
    attachment = attachment_from_bytes(name, data)
    assert attachment.kind is AttachmentKind.IMAGE
    assert attachment.mime_type == mime
    assert (attachment.width, attachment.height) == size


def test_pdfs_report_pages_and_text_layer() -> None:
    text = attachment_from_bytes("t.pdf", files.text_pdf("Hello", "World", "Again"))
    blank = attachment_from_bytes("scan.pdf", files.blank_pdf(2))
    assert (text.kind, text.pages, text.has_text) == (AttachmentKind.PDF, 3, True)
    assert (blank.pages, blank.has_text) == (2, False)
    assert describe(blank) == "PDF · 2 pages · 551 bytes · no text layer (scan)"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("locked.pdf", files.encrypted_pdf(), "is password-protected (encrypted)"),
        ("cut.png", files.png(64, 64, colour="red")[:-30], "is damaged or cut short"),
        ("junk.pdf", b"%PDF-1.4\nThis is not a valid PDF file\n%%EOF\n", "cannot be read as a PDF"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_broken_files_are_refused(name: str, data: bytes, expected: str) -> None:
    with pytest.raises(AttachmentError) as caught:
        attachment_from_bytes(name, data)
    assert str(caught.value).startswith(f"{name}: ")
    assert expected in caught.value.reason


def test_a_decompression_bomb_warning_is_a_refusal_too() -> None:
    # Above Pillow's warning threshold (89.5 megapixels), below its error threshold.
    side = 9500
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG")
    with (
        pytest.warns(Image.DecompressionBombWarning),
        pytest.raises(AttachmentError, match="is 9500×9500 \\(90 megapixels\\)"),
    ):
        attachment_from_bytes("bomb.png", out.getvalue())


@pytest.mark.parametrize(
    ("name", "text", "encoding", "expected_encoding", "mime"),
    [
        ("notes.md", "# Café\n\nNaïve — ok ✓\n", "utf-8", "UTF-8", "text/markdown"),
        ("bom.txt", "\ufeffWith a mark\n", "utf-8", "UTF-8", "text/plain"),
        ("wide.txt", "UTF-16 text, ça marche\n", "utf-16", "UTF-16", "text/plain"),
        (
            "prices.csv",
            "item;price\nCafé crème;3 €\nThé;2 €\nCrêpe brûlée;5 €\n" * 3,
            "cp1252",
            "windows-1252",
            "text/csv",
        ),
        # One accented letter: many encodings read it alike; the most used one is named.
        ("short.txt", "Café au lait\n", "latin-1", "ISO-8859-1", "text/plain"),
        (
            "privet.txt",
            "Привет, как дела у тебя сегодня?\n",
            "cp1251",
            "windows-1251",
            "text/plain",
        ),
        ("data.json", '{"ok": true}', "ascii", "UTF-8", "application/json"),
        ("script.py", "print('hi')\n", "utf-8", "UTF-8", "text/x-python"),
        ("Makefile", "all:\n\techo hi\n", "utf-8", "UTF-8", "text/plain"),
        # Mentions a PDF header, but it is a note, not a PDF with junk before its header.
        ("notes.md", "Every PDF starts with `%PDF-1.7`.\n", "utf-8", "UTF-8", "text/markdown"),
    ],
)
def test_text_files_are_decoded_in_their_encoding(
    name: str, text: str, encoding: str, expected_encoding: str, mime: str
) -> None:
    attachment = attachment_from_bytes(name, text.encode(encoding))
    assert attachment.kind is AttachmentKind.TEXT
    assert attachment.encoding == expected_encoding
    assert attachment.mime_type == mime
    assert text_of(attachment) == text.removeprefix("\ufeff")


def test_a_mime_hint_names_the_kind_of_text_only() -> None:
    assert attachment_from_bytes("clip", b"# Title\n", mime_type="text/markdown").mime_type == (
        "text/markdown"
    )
    # Content decides: a PNG is a PNG whatever the hint says.
    assert attachment_from_bytes("clip", files.png(), mime_type="text/plain").mime_type == (
        "image/png"
    )


def _zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x" * 100)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("bundle.zip", _zip(["a.txt"]), "is a ZIP archive"),
        ("report.docx", _zip(["word/document.xml"]), "is a Word document (.docx)"),
        ("tool", b"\x7fELF\x02\x01\x01" + bytes(200), "is a program (ELF executable)"),
        ("noise.bin", bytes(range(256)) * 40, "is binary data of a type Roundtable does not know"),
        ("photo.heic", b"\x00\x00\x00\x18ftypheic" + bytes(100), "is a HEIC image"),
    ],
)
def test_other_types_are_refused_naming_the_type(name: str, data: bytes, what: str) -> None:
    with pytest.raises(AttachmentError) as caught:
        attachment_from_bytes(name, data)
    assert caught.value.reason.startswith(what)
    assert "Roundtable sends images (PNG, JPEG, WebP, GIF), PDFs and text files" in str(
        caught.value
    )


# -- the file system: checked before reading ------------------------------------------


@pytest.fixture
def no_open(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records any attempt to open a file; the refusals below must come before one."""
    opened: list[str] = []
    real_open = os.open

    def spy(path: object, *args: object, **kwargs: object) -> int:
        opened.append(str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    return opened


def test_a_10_gb_file_is_refused_without_being_read(tmp_path: Path, no_open: list[str]) -> None:
    huge = tmp_path / "huge.iso"
    with huge.open("wb") as handle:
        handle.truncate(10 * GB)  # sparse: no disk used
    with pytest.raises(AttachmentError) as caught:
        read_attachment(huge)
    assert caught.value.reason == "is 10 GB; the limit is 30 MB per file"
    assert no_open == []


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path, no_open: list[str]) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(AttachmentError, match="is a pipe \\(FIFO\\), not a file"):
        read_attachment(fifo)
    assert no_open == []


def test_a_device_and_a_folder_are_refused(tmp_path: Path, no_open: list[str]) -> None:
    with pytest.raises(AttachmentError, match="is a device, not a file"):
        read_attachment("/dev/zero")
    with pytest.raises(AttachmentError, match="is a folder"):
        read_attachment(tmp_path)
    assert no_open == []


def test_a_vanished_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "gone.pdf"
    path.write_bytes(files.text_pdf("soon gone"))
    path.unlink()
    with pytest.raises(AttachmentError) as caught:
        read_attachment(path)
    assert str(caught.value) == f"{path}: was not found (it may have been moved or deleted)"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("private")
    path.chmod(0)
    try:
        with pytest.raises(AttachmentError) as caught:
            read_attachment(path)
    finally:
        path.chmod(0o600)
    assert str(caught.value) == f"{path}: cannot be read: permission denied"


def test_limits_are_settable(tmp_path: Path) -> None:
    limits = AttachmentLimits(per_file=1 * KB, per_turn=3 * KB)
    path = tmp_path / "big.txt"
    path.write_text("x" * 2000)
    with pytest.raises(AttachmentError, match=r"is 2\.0 KB; the limit is 1\.0 KB per file"):
        read_attachment(path, limits)
    with pytest.raises(AttachmentError, match=r"the limit is 1\.0 KB per file"):
        attachment_from_bytes("pasted.png", files.png(200, 200, colour=(1, 2, 3)) * 20, limits)
    small = [attachment_from_bytes(f"{n}.txt", b"y" * 900, limits) for n in range(4)]
    check_turn_size(small[:3], limits)
    with pytest.raises(
        AttachmentError, match=r"together these files are 3\.5 KB; the limit is 3\.0 KB per turn"
    ):
        check_turn_size(small, limits)


def test_no_limit_allows_a_file_over_the_size_any_file_may_be() -> None:
    AttachmentLimits(per_file=MAX_FILE_SIZE, per_turn=MAX_FILE_SIZE)
    with pytest.raises(ValueError, match="no file may be over 45 MB"):
        AttachmentLimits(per_file=MAX_FILE_SIZE + 1)


def test_read_then_save_out_gives_the_same_bytes(tmp_path: Path) -> None:
    source = tmp_path / "in.jpg"
    source.write_bytes(files.jpeg(orientation=6))
    attachment = read_attachment(source)
    save_attachment_out(attachment, tmp_path / "out.jpg")
    assert (tmp_path / "out.jpg").read_bytes() == source.read_bytes()


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 bytes"), (1, "1 byte"), (958, "958 bytes"), (2010, "2.0 KB"), (630_438, "616 KB"),
     (1_514_503, "1.4 MB"), (30 * MB, "30 MB"), (10 * GB, "10 GB")],
)  # fmt: skip
def test_human_sizes(size: int, shown: str) -> None:
    assert human_size(size) == shown
