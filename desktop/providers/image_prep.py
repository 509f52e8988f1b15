"""Images made ready for one provider: EXIF rotation baked in, GIFs as their first
frame, scaled down to what the provider's model sees, camera and location data left out.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from desktop.core.attachments.limits import MB
from desktop.providers.image_metadata import without_metadata

_EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class ImageLimits:
    """The longest edge and the most bytes an image is sent with to one provider."""

    provider: str
    max_edge: int
    max_bytes: int


# From the providers' documentation. We scale to the size the model sees anyway, so it
# sees the same picture and there is less to upload:
# - Anthropic rejects images over 8000 px a side or 5 MB, and scales any image whose
#   long edge is over 1568 px down to that. The 5 MB is counted on the base64 text,
#   hence 3/4 of it in bytes.
# - OpenAI takes up to 20 MB per image (50 MB per request); at "high" detail images are
#   fitted into 2048×2048.
# - Gemini takes up to 20 MB of inline data per request; images larger than 3072×3072
#   are scaled down. 7 MB each leaves room for a few images and the text.
# - Any other provider (local servers, proxies): OpenAI's fit, Anthropic's byte size,
#   which every vision model we know accepts.
IMAGE_LIMITS = {
    "anthropic": ImageLimits("Anthropic", 1568, 5 * MB * 3 // 4),
    "openai": ImageLimits("OpenAI", 2048, 20 * MB),
    "gemini": ImageLimits("Gemini", 3072, 7 * MB),
}
DEFAULT_IMAGE_LIMITS = ImageLimits("this provider", 2048, 5 * MB * 3 // 4)
_FAMILIES = {"azure": "openai", "vertex_ai": "gemini"}

_FORMATS = {"image/jpeg": "JPEG", "image/webp": "WEBP"}  # everything else becomes PNG
_QUALITY = 90
_SHRINK = 0.75  # each further step when the re-encoded image is still too many bytes


def limits_for(provider: str) -> ImageLimits:
    """The image limits of a litellm provider prefix ("anthropic", "vertex_ai", …)."""
    return IMAGE_LIMITS.get(_FAMILIES.get(provider, provider), DEFAULT_IMAGE_LIMITS)


@dataclass(frozen=True)
class PreparedImage:
    mime_type: str
    data: bytes
    width: int
    height: int
    # (width, height) before scaling down, or None if it kept its size.
    scaled_from: tuple[int, int] | None
    # What else was done, for the note: "EXIF rotation applied", "first of 31 frames".
    changes: tuple[str, ...]


def prepare_image(data: bytes, mime_type: str, limits: ImageLimits) -> PreparedImage:
    """The image as it should be sent under ``limits``; the original bytes if they do."""
    changes: list[str] = []
    with Image.open(io.BytesIO(data)) as source:
        frames = getattr(source, "n_frames", 1)
        rotated = source.getexif().get(_EXIF_ORIENTATION, 1) not in (1, None)
        image = ImageOps.exif_transpose(source)
    if rotated:
        changes.append("EXIF rotation applied")
    if mime_type == "image/gif":
        # Not every provider takes GIF (Gemini doesn't), and none animates it.
        changes.append(f"first of {frames} frames, as PNG" if frames > 1 else "as PNG")
        image = image.convert("RGBA")
        mime_type = "image/png"
    width, height = image.size
    scale = min(1.0, limits.max_edge / max(width, height))
    if scale == 1.0 and not changes and len(data) <= limits.max_bytes:
        # Sent as it is, but without EXIF/XMP (a re-encoded image never carries them).
        clean, removed = without_metadata(data, mime_type)
        note = ("camera and location data removed",) if removed else ()
        return PreparedImage(mime_type, clean, width, height, None, note)
    if scale < 1.0:
        image = _resized(image, scale)
    image_format = _FORMATS.get(mime_type, "PNG")
    encoded = _encode(image, image_format)
    while len(encoded) > limits.max_bytes:
        # Photographic noise can keep a PNG too big at any size: JPEG, then smaller.
        if image_format == "JPEG":
            image = _resized(image, _SHRINK)
        image_format = "JPEG"
        encoded = _encode(image, image_format)
    if image_format == "JPEG" and mime_type != "image/jpeg":
        changes.append("as JPEG to fit the size limit")
    scaled_from = (width, height) if image.size != (width, height) else None
    return PreparedImage(
        f"image/{image_format.lower()}",
        encoded,
        image.width,
        image.height,
        scaled_from,
        tuple(changes),
    )


def _resized(image: Image.Image, scale: float) -> Image.Image:
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _encode(image: Image.Image, image_format: str) -> bytes:
    if image.mode == "I" or image.mode.startswith("I;16"):
        # 16-bit greys: a plain convert clips everything above 255 to white.
        image = image.point(lambda v: v / 256).convert("L")
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = _flattened(image)
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    options = {"quality": _QUALITY} if image_format in ("JPEG", "WEBP") else {}
    image.save(out, image_format, **options)
    return out.getvalue()


def _flattened(image: Image.Image) -> Image.Image:
    """The image on white (JPEG has no transparency)."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
