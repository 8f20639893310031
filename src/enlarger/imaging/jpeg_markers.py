"""Moving metadata segments (APP1 EXIF/XMP, APP2 ICC) between JPEG files, as bytes."""

from __future__ import annotations

import struct

_SOI = b"\xff\xd8"
_METADATA_MARKERS = frozenset({0xE1, 0xE2})  # APP1: EXIF, XMP; APP2: ICC profile
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


def metadata_segments(jpeg: bytes) -> list[bytes]:
    """The APP1/APP2 segments of ``jpeg`` (marker and length included), in order."""
    segments: list[bytes] = []
    pos = len(_SOI)
    while pos + 4 <= len(jpeg) and jpeg[pos] == 0xFF:
        marker = jpeg[pos + 1]
        if marker in _STANDALONE:
            pos += 2
            continue
        if marker == 0xDA:  # start of scan: no more headers
            break
        (length,) = struct.unpack_from(">H", jpeg, pos + 2)
        if marker in _METADATA_MARKERS:
            segments.append(jpeg[pos : pos + 2 + length])
        pos += 2 + length
    return segments


def with_segments(jpeg: bytes, segments: list[bytes]) -> bytes:
    """``jpeg`` with ``segments`` inserted right after its SOI marker."""
    if not jpeg.startswith(_SOI):
        raise ValueError("not a JPEG")
    return _SOI + b"".join(segments) + jpeg[len(_SOI) :]
