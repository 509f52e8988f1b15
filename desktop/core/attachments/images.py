"""Image attachments: decoded in full once, so a broken or hostile file is refused early."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageOps

# EXIF orientations that turn the picture a quarter turn, swapping width and height.
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
_EXIF_ORIENTATION = 0x0112


class ImageRefused(Exception):
    """Why an image cannot be used (the caller adds the file's name)."""


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int


def max_pixels() -> int:
    """The most pixels an image may have: Pillow's decompression-bomb threshold.

    Pillow only warns between this and twice this; Roundtable refuses from here (a
    warning would be lost in a worker thread, and decoding would take gigabytes).
    """
    return Image.MAX_IMAGE_PIXELS or 89_478_485


def inspect_image(data: bytes, image_format: str) -> ImageFacts:
    """Decode the (first frame of the) image; its size as displayed, or ImageRefused."""
    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            width, height = image.size
            if width * height > max_pixels():
                raise _too_many_pixels(width, height)
            image.load()
            orientation = image.getexif().get(_EXIF_ORIENTATION)
            # What sending will do (count frames, turn by EXIF): a file that breaks
            # these is refused now, not when a seat is sent it.
            getattr(image, "n_frames", 1)
            ImageOps.exif_transpose(image)
    except Image.DecompressionBombError as exc:
        # Pillow refused it in open(), before we could read its size; its message has
        # the pixel count.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = f" ({int(found[1]) / 1e6:.0f} megapixels)" if found else ""
        raise ImageRefused(
            f"has too many pixels{pixels}; Roundtable decodes at most "
            f"{max_pixels() / 1e6:.0f} megapixels, so it could be a decompression bomb. "
            "Scale it down and attach it again"
        ) from None
    except Exception as exc:  # Pillow raises many kinds on damaged files, not only OSError
        raise ImageRefused(
            f"is damaged or cut short and cannot be read as an image ({exc})"
        ) from None
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    return ImageFacts(width, height)


def _too_many_pixels(width: int, height: int) -> ImageRefused:
    return ImageRefused(
        f"is {width}×{height} ({width * height / 1e6:.0f} megapixels); Roundtable decodes at "
        f"most {max_pixels() / 1e6:.0f} megapixels, so it could be a decompression bomb. "
        "Scale it down and attach it again"
    )
