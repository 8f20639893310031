"""Just enough ICC parsing to tell whether an embedded profile is sRGB."""

from __future__ import annotations

import struct

_HEADER = 128
_TAG_ENTRY = 12


def is_srgb(profile: bytes) -> bool:
    """True when the profile's description names sRGB (how every sRGB profile labels itself)."""
    return "srgb" in description(profile).lower()


def description(profile: bytes) -> str:
    """The profile's ``desc`` text (v2 ``desc`` or v4 ``mluc`` tag); "" when unreadable."""
    try:
        (count,) = struct.unpack_from(">I", profile, _HEADER)
        for index in range(count):
            signature, offset, size = struct.unpack_from(
                ">4sII", profile, _HEADER + 4 + index * _TAG_ENTRY
            )
            if signature == b"desc":
                return _text(profile[offset : offset + size])
    except struct.error:
        return ""
    return ""


def _text(tag: bytes) -> str:
    kind = tag[:4]
    if kind == b"desc":
        (length,) = struct.unpack_from(">I", tag, 8)
        return tag[12 : 12 + length].rstrip(b"\0").decode("latin-1")
    if kind == b"mluc":
        length, offset = struct.unpack_from(">II", tag, 20)
        return tag[offset : offset + length].decode("utf-16-be", errors="replace")
    return ""
