"""``fm=json``: the source's metadata under imgix's keys.

The top-level keys (``PixelWidth``, ``PixelHeight``, ``DPIWidth``, ``DPIHeight``,
``Depth``, ``ColorModel``, ``ProfileName``, ``Orientation``) come from libvips' header
read; ``{TIFF}`` and ``{Exif}`` hold the EXIF block's IFD0 and Exif sub-IFD tags under
their EXIF names (binary tags such as ``MakerNote`` are left out); ``{JFIF}`` the JPEG's
JFIF header. As at imgix, the source is described, not the render.
"""

from __future__ import annotations

import struct
from fractions import Fraction
from typing import Any

import pyvips
from PIL.ExifTags import TAGS

from enlarger.imaging.exif import read_exif_tags
from enlarger.imaging.icc import description
from enlarger.spec.facts import SourceFacts

_MM_PER_INCH = 25.4
_COLOR_MODELS = {"srgb": "RGB", "rgb16": "RGB", "b-w": "Gray", "grey16": "Gray", "cmyk": "CMYK"}
_DEPTHS = {"uchar": 8, "char": 8, "ushort": 16, "short": 16, "uint": 32, "float": 32}
#: pointers to other IFDs, not facts about the image.
_POINTERS = frozenset({0x8769, 0x8825, 0xA005})
#: Pillow's names that imgix (Apple ImageIO) spells differently.
_RENAMED = {"ExifImageWidth": "PixelXDimension", "ExifImageHeight": "PixelYDimension"}
_JFIF_APP0 = struct.Struct(">2sHH5sBBBHH")  # SOI, APP0, length, "JFIF\0", ver, units, x, y


def describe(data: bytes, facts: SourceFacts) -> dict[str, Any]:
    """imgix's metadata document for ``data`` (``probe``'s ``facts``); no pixel decoded."""
    image = pyvips.Image.new_from_buffer(data, "")
    document: dict[str, Any] = {
        "PixelWidth": facts.width,
        "PixelHeight": facts.height,
        "DPIWidth": round(image.xres * _MM_PER_INCH),
        "DPIHeight": round(image.yres * _MM_PER_INCH),
        "Depth": _DEPTHS.get(str(image.format), 8),
        "ColorModel": _COLOR_MODELS.get(facts.interpretation, facts.interpretation),
        "Orientation": facts.orientation,
    }
    if facts.has_icc:
        document["ProfileName"] = description(bytes(image.get("icc-profile-data")))
    if facts.has_alpha:
        document["HasAlpha"] = True
    tags = read_exif_tags(data)
    for group, found in (("{TIFF}", tags.ifd0), ("{Exif}", tags.exif)):
        named = _named(found)
        if named:
            document[group] = named
    jfif = _jfif(data, progressive=_int_field(image, "jpeg-multiscan") == 1)
    if jfif:
        document["{JFIF}"] = jfif
    return document


def _named(tags: Any) -> dict[str, Any]:
    """EXIF tags by name, values as JSON numbers, strings and lists; binary ones left out."""
    named = {}
    for number, value in tags.items():
        name = TAGS.get(number)
        plain = _plain(value)
        if name is not None and plain is not None and number not in _POINTERS:
            named[_RENAMED.get(name, name)] = plain
    return dict(sorted(named.items()))


def _plain(value: Any) -> Any:
    if isinstance(value, bool | int | str):
        return value.strip("\x00 ") if isinstance(value, str) else value
    if isinstance(value, tuple):
        parts = [_plain(v) for v in value]
        return None if any(p is None for p in parts) else parts
    try:
        number = Fraction(value)  # IFDRational, float
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return int(number) if number.denominator == 1 else round(float(number), 6)


def _jfif(data: bytes, *, progressive: bool) -> dict[str, Any]:
    """The JFIF APP0 header, which follows a JPEG's start-of-image marker; {} without one."""
    if len(data) < _JFIF_APP0.size:
        return {}
    soi, marker, _, ident, major, minor, units, x, y = _JFIF_APP0.unpack_from(data)
    if (soi, marker, ident) != (b"\xff\xd8", 0xFFE0, b"JFIF\x00"):
        return {}
    return {
        "DensityUnit": units,
        "IsProgressive": progressive,
        "JFIFVersion": [major, minor // 10 if minor >= 10 else 0, minor % 10],
        "XDensity": x,
        "YDensity": y,
    }


def _int_field(image: Any, name: str) -> int:
    return int(image.get(name)) if image.get_typeof(name) != 0 else 0
