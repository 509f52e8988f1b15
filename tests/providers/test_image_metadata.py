"""Camera and location data never leave with an image that is otherwise sent as it is."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from desktop.providers.image_metadata import without_metadata
from desktop.providers.image_prep import IMAGE_LIMITS, prepare_image
from tests.conftest import shared_fixtures

GPS_IFD = 0x8825
MAKE = 0x010F


def photo_with_location(image_format: str) -> bytes:
    """A small picture whose EXIF says where and with what it was taken."""
    image = Image.new("RGB", (48, 32), "white")
    image.paste((200, 30, 30), (0, 0, 24, 32))
    exif = Image.Exif()
    exif[MAKE] = "PhoneCo"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    out = io.BytesIO()
    image.save(
        out, image_format, exif=exif.tobytes(), **({"quality": 95} if image_format != "PNG" else {})
    )
    return out.getvalue()


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


@pytest.mark.parametrize(
    ("image_format", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_location_data_is_removed_and_the_picture_is_unchanged(
    image_format: str, mime: str
) -> None:
    original = photo_with_location(image_format)
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(GPS_IFD), "the test photo has a location"
    clean, removed = without_metadata(original, mime)
    assert removed
    with Image.open(io.BytesIO(clean)) as image:
        image.load()
        assert not image.getexif().get_ifd(GPS_IFD)
        assert MAKE not in image.getexif()
    assert b"PhoneCo" not in clean
    assert pixels(clean) == pixels(original), "no pixel is re-encoded"


def test_an_image_sent_as_it_is_says_its_metadata_was_removed() -> None:
    prepared = prepare_image(photo_with_location("JPEG"), "image/jpeg", IMAGE_LIMITS["openai"])
    assert prepared.scaled_from is None
    assert prepared.changes == ("camera and location data removed",)
    assert b"PhoneCo" not in prepared.data


def test_an_image_without_metadata_is_sent_byte_for_byte() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "PNG")
    prepared = prepare_image(out.getvalue(), "image/png", IMAGE_LIMITS["openai"])
    assert prepared.data == out.getvalue()
    assert prepared.changes == ()


def test_every_real_image_fixture_still_decodes_after_stripping() -> None:
    folder = shared_fixtures("attachments")
    mimes = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
    for path in sorted(folder.iterdir()):
        mime = mimes.get(path.suffix)
        if mime is None or "truncated" in path.name or "huge" in path.name:
            continue
        data = path.read_bytes()
        clean, _ = without_metadata(data, mime)
        assert pixels(clean) == pixels(data), path.name


def test_a_phones_second_picture_and_its_location_are_left_out() -> None:
    # MPF: portrait and HDR photos carry a second picture (depth or gain map) after the
    # first, with EXIF of its own.
    first = io.BytesIO(photo_with_location("JPEG"))
    with Image.open(first) as main, Image.open(io.BytesIO(photo_with_location("JPEG"))) as extra:
        exif = main.getexif().tobytes()
        out = io.BytesIO()
        main.save(out, "MPO", save_all=True, append_images=[extra], exif=exif)
    mpo = out.getvalue()
    assert mpo.count(b"PhoneCo") == 2
    clean, removed = without_metadata(mpo, "image/jpeg")
    assert removed
    assert b"PhoneCo" not in clean
    assert pixels(clean) == pixels(mpo), "the first picture is unchanged"


def test_sixteen_bit_greys_keep_their_shades_when_scaled() -> None:
    gradient = Image.new("I;16", (4000, 10))
    gradient.putdata([round(x / 3999 * 65535) for x in range(4000)] * 10)
    out = io.BytesIO()
    gradient.save(out, "PNG")
    prepared = prepare_image(out.getvalue(), "image/png", IMAGE_LIMITS["anthropic"])
    assert prepared.scaled_from == (4000, 10)
    with Image.open(io.BytesIO(prepared.data)) as sent:
        row = sent.convert("L")
        middle = row.getpixel((row.width // 2, 0))
    assert isinstance(middle, int)
    assert 100 < middle < 155, f"mid-grey, not clipped to white ({middle})"
