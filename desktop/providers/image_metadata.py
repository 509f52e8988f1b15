"""Taking camera and location data out of an image that is otherwise sent as it is.

A photo from a phone carries EXIF (often with GPS coordinates) and XMP. An image that
needs no rotation or scaling is sent as its original bytes, which would hand that data to
every provider at the table without the user knowing. This removes the metadata blocks
without decoding the pixels, so the picture is bit-for-bit the same: JPEG APP1 (EXIF,
XMP) and APP13 (Photoshop IPTC) segments; PNG eXIf and text chunks; WebP EXIF and XMP
chunks. Colour profiles stay, since they change how the picture looks.
"""

from __future__ import annotations

import struct

_JPEG_DROPPED = {0xE1, 0xED}  # APP1: EXIF and XMP; APP13: Photoshop/IPTC
_JPEG_NO_LENGTH = {0xD8, 0x01, *range(0xD0, 0xD8)}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROPPED = {b"eXIf", b"tEXt", b"iTXt", b"zTXt"}
_WEBP_DROPPED = {b"EXIF", b"XMP "}
_VP8X_METADATA_FLAGS = 0x08 | 0x04  # "has EXIF", "has XMP"


def without_metadata(data: bytes, mime_type: str) -> tuple[bytes, bool]:
    """``data`` with metadata blocks removed, and whether anything was removed.

    A file this does not understand is returned unchanged (it was already decoded as
    an image when attached, so that only happens to unusual but valid layouts).
    """
    strip = {"image/jpeg": _jpeg, "image/png": _png, "image/webp": _webp}.get(mime_type)
    if strip is None:
        return data, False
    try:
        stripped = strip(data)
    except (IndexError, struct.error, ValueError):
        return data, False
    return stripped, len(stripped) != len(data)


def _jpeg(data: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out = bytearray(data[:2])
    i = 2
    while i < len(data):
        if data[i] != 0xFF:
            raise ValueError("expected a marker")
        while data[i] == 0xFF:  # fill bytes before a marker
            i += 1
        marker = data[i]
        i += 1
        if marker in _JPEG_NO_LENGTH:
            out += bytes((0xFF, marker))
            continue
        (length,) = struct.unpack(">H", data[i : i + 2])
        segment = data[i - 2 : i + length]
        if len(segment) != length + 2:
            raise ValueError("truncated segment")
        if marker == 0xDA:
            # Start of scan: the compressed picture up to its end marker, as is. What
            # follows is a phone's second picture (MPF: depth map, gain map), which
            # carries its own EXIF: left out.
            end = data.find(b"\xff\xd9", i)
            out += data[i - 2 :] if end < 0 else data[i - 2 : end + 2]
            return bytes(out)
        if marker not in _JPEG_DROPPED:
            out += segment
        i += length
    return bytes(out)


def _png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG")
    out = bytearray(_PNG_SIGNATURE)
    i = len(_PNG_SIGNATURE)
    while i < len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind = data[i + 4 : i + 8]
        chunk = data[i : i + 12 + length]  # length, type, data, CRC
        if len(chunk) != 12 + length:
            raise ValueError("truncated chunk")
        if kind not in _PNG_DROPPED:
            out += chunk
        i += 12 + length
        if kind == b"IEND":
            break
    return bytes(out)


def _webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    chunks = bytearray()
    i = 12
    while i < len(data):
        kind = data[i : i + 4]
        (size,) = struct.unpack("<I", data[i + 4 : i + 8])
        padded = size + (size & 1)
        chunk = bytearray(data[i : i + 8 + padded])
        if len(chunk) < 8 + size:
            raise ValueError("truncated chunk")
        if kind == b"VP8X":
            chunk[8] &= ~_VP8X_METADATA_FLAGS & 0xFF
        if kind not in _WEBP_DROPPED:
            chunks += chunk
        i += 8 + padded
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)
