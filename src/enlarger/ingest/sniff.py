"""Identify an upload's format from its first bytes; the client's Content-Type is ignored."""

from __future__ import annotations

from dataclasses import dataclass

from enlarger.errors import UnsupportedMediaType


@dataclass(frozen=True, slots=True)
class ImageType:
    """One accepted upload format: its name in API responses, file extension and media type."""

    name: str
    extension: str
    media_type: str


JPEG = ImageType("jpeg", "jpg", "image/jpeg")
PNG = ImageType("png", "png", "image/png")
GIF = ImageType("gif", "gif", "image/gif")
WEBP = ImageType("webp", "webp", "image/webp")
TIFF = ImageType("tiff", "tif", "image/tiff")
AVIF = ImageType("avif", "avif", "image/avif")
HEIC = ImageType("heic", "heic", "image/heic")

ALL_TYPES = (JPEG, PNG, GIF, WEBP, TIFF, AVIF, HEIC)

#: bytes that cover every signature below, including the ISO-BMFF ``ftyp`` brand list.
SNIFF_BYTES = 64

_PREFIXES: tuple[tuple[bytes, ImageType], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})


def sniff(head: bytes) -> ImageType:
    """Return the format whose magic bytes ``head`` starts with, or raise 415."""
    for prefix, kind in _PREFIXES:
        if head.startswith(prefix):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    boxed = _iso_bmff(head)
    if boxed is not None:
        return boxed
    raise UnsupportedMediaType(
        "not an accepted image type (JPEG, PNG, GIF, WebP, TIFF, AVIF, HEIC)",
        accepted=[t.media_type for t in ALL_TYPES],
    )


def _iso_bmff(head: bytes) -> ImageType | None:
    """AVIF and HEIC share one container: tell them apart by the ``ftyp`` box's brands."""
    if head[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(head[:4], "big")
    end = min(max(box_size, 16), len(head))
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}
    if brands & _AVIF_BRANDS:
        return AVIF
    if brands & _HEIC_BRANDS:
        return HEIC
    return None
