"""One decode of an image to optimize: oriented, in a colour space that keeps its colours,
with only the metadata a client asked to keep.

Metadata is kept through libvips' own EXIF handling: an ``exif-ifd*`` field removed from
the image is dropped from the EXIF it writes, so every output format keeps the same tags.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyvips

from enlarger.imaging.errors import decode_errors
from enlarger.imaging.icc import is_srgb

_PROFILE = "icc-profile-data"
_ORIENTATION = "exif-ifd0-Orientation"

#: ``preserve_meta`` names -> the libvips EXIF fields (``exif-ifdN-Tag``) they keep.
#: IFD 0 is the main image, 2 the Exif sub-IFD, 3 GPS.
META_FIELDS: dict[str, tuple[str, ...]] = {
    "date": (
        "exif-ifd0-DateTime",
        "exif-ifd2-DateTimeOriginal",
        "exif-ifd2-DateTimeDigitized",
        "exif-ifd2-OffsetTime",
        "exif-ifd2-OffsetTimeOriginal",
        "exif-ifd2-OffsetTimeDigitized",
        "exif-ifd2-SubSecTime",
        "exif-ifd2-SubSecTimeOriginal",
        "exif-ifd2-SubSecTimeDigitized",
    ),
    "copyright": ("exif-ifd0-Copyright", "exif-ifd0-Artist"),
    "geotag": ("exif-ifd3-",),  # the whole GPS IFD
    "orientation": (_ORIENTATION,),
}
#: the one name that keeps the ICC profile rather than EXIF fields.
PROFILE = "profile"
META_NAMES = frozenset({*META_FIELDS, PROFILE})


@dataclass(frozen=True, slots=True)
class Source:
    """Decoded pixels ready to encode (``image``: a pyvips image) and what was done to them.

    ``keep`` is the libvips ``keep`` flag set the encoders must use so the kept metadata
    reaches the output. ``oriented``: EXIF orientation applied to the pixels;
    ``converted_to_srgb``: a non-sRGB profile was applied (it was not asked to be kept).
    """

    image: Any
    loader: str
    keep: int
    has_alpha: bool
    oriented: bool
    converted_to_srgb: bool
    kept_meta: frozenset[str]

    @property
    def width(self) -> int:
        return int(self.image.width)

    @property
    def height(self) -> int:
        return int(self.image.height)


def decode_source(data: bytes, preserve: frozenset[str], *, auto_orient: bool) -> Source:
    """Decode ``data`` (first page) to 8-bit pixels for re-encoding.

    Orientation: applied when ``auto_orient``; otherwise the EXIF tag is kept, so that the
    picture is never shown turned. A non-sRGB profile is kept when ``profile`` is named and
    converted to sRGB otherwise: colours never shift.
    """
    with decode_errors():
        image = pyvips.Image.new_from_buffer(data, "", fail_on="error")
        loader = str(image.get("vips-loader")).split("load", 1)[0]
        oriented = auto_orient and _orientation(image) != 1
        if oriented:
            image = image.autorot()
        image, converted = _colour(image, keep_profile=PROFILE in preserve)
        if image.format != "uchar":
            image = image.cast("uchar") if image.format == "char" else _to_8bit(image)
        fields = kept_fields(preserve | (set() if auto_orient else {"orientation"}))
        image, has_exif = filter_exif(image, fields)
        keep = pyvips.enums.ForeignKeep.NONE
        if has_exif:
            keep |= pyvips.enums.ForeignKeep.EXIF
        if image.get_typeof(_PROFILE) != 0:
            keep |= pyvips.enums.ForeignKeep.ICC
        return Source(
            image=image.copy_memory(),
            loader=loader,
            keep=keep,
            has_alpha=bool(image.hasalpha()),
            oriented=oriented,
            converted_to_srgb=converted,
            kept_meta=frozenset(preserve),
        )


def kept_fields(names: Iterable[str]) -> tuple[str, ...]:
    """The EXIF field prefixes that the ``preserve_meta`` ``names`` keep."""
    return tuple(field for name in names for field in META_FIELDS.get(name, ()))


def filter_exif(image: Any, fields: tuple[str, ...]) -> tuple[Any, bool]:
    """``image`` with only the EXIF fields starting with one of ``fields``; whether any stay."""
    image = image.copy()
    kept = False
    for name in image.get_fields():
        if not name.startswith("exif-ifd"):
            continue
        if name.startswith(fields) and fields:
            kept = True
        else:
            image.remove(name)
    if not kept and image.get_typeof("exif-data") != 0:
        image.remove("exif-data")
    return image, kept


def _orientation(image: Any) -> int:
    value = int(image.get("orientation")) if image.get_typeof("orientation") != 0 else 1
    return value if 1 <= value <= 8 else 1


def _colour(image: Any, *, keep_profile: bool) -> tuple[Any, bool]:
    """(image, converted): a non-sRGB profile applied unless kept; an sRGB one dropped
    unless kept (dropping it changes no colour)."""
    if image.get_typeof(_PROFILE) == 0:
        if image.interpretation == "cmyk":
            return image.icc_transform("srgb", input_profile="cmyk"), True
        return image, False
    profile: bytes = image.get(_PROFILE)
    if keep_profile:
        return image, False
    if is_srgb(profile) and image.interpretation != "cmyk":
        image = image.copy()
        image.remove(_PROFILE)
        return image, False
    converted = image.icc_transform("srgb", embedded=True, intent="perceptual")
    converted = converted.copy()
    if converted.get_typeof(_PROFILE) != 0:
        converted.remove(_PROFILE)
    return converted, True


def _to_8bit(image: Any) -> Any:
    """16-bit and float sources as 8-bit sRGB or greyscale."""
    target = "b-w" if image.bands in (1, 2) else "srgb"
    return image.colourspace(target).cast("uchar")
