"""What an upload's response tells about the picture: EXIF summary and dominant colour.

EXIF tags come from the header through ``imaging.read_exif_tags`` (nothing decoded); GPS
is dropped unless ``keep_gps``. The dominant colour works on a small RGB preview: the most common
bucket of a 4-bit-per-channel histogram, reported as the mean of the pixels in it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from enlarger.imaging import read_exif_tags

_MAKE, _MODEL, _DATETIME = 0x010F, 0x0110, 0x0132
_DATETIME_ORIGINAL, _OFFSET_ORIGINAL, _LENS_MODEL = 0x9003, 0x9011, 0xA434
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4


@dataclass(frozen=True, slots=True)
class ExifSummary:
    make: str | None = None
    model: str | None = None
    lens: str | None = None
    #: ISO 8601 local time as the camera recorded it, with its UTC offset when known.
    taken_at: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def read_exif(data: bytes, keep_gps: bool) -> ExifSummary:
    """Summarise the camera facts in ``data``'s EXIF block; empty when there is none."""
    tags = read_exif_tags(data)
    exif, detail, gps = tags.ifd0, tags.exif, tags.gps
    latitude = longitude = None
    if keep_gps:
        latitude = _coordinate(gps.get(_GPS_LAT), gps.get(_GPS_LAT_REF), "S")
        longitude = _coordinate(gps.get(_GPS_LON), gps.get(_GPS_LON_REF), "W")
    return ExifSummary(
        make=_text(exif.get(_MAKE)),
        model=_text(exif.get(_MODEL)),
        lens=_text(detail.get(_LENS_MODEL)),
        taken_at=_timestamp(
            _text(detail.get(_DATETIME_ORIGINAL)) or _text(exif.get(_DATETIME)),
            _text(detail.get(_OFFSET_ORIGINAL)),
        ),
        latitude=latitude,
        longitude=longitude,
    )


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    cleaned = value.strip("\x00 ").strip()
    return cleaned or None


def _timestamp(value: str | None, offset: str | None) -> str | None:
    """EXIF ``YYYY:MM:DD HH:MM:SS`` -> ``YYYY-MM-DDTHH:MM:SS[+HH:MM]``; None if malformed."""
    if value is None or len(value) < 19 or value[4] != ":" or value[7] != ":":
        return None
    iso = f"{value[0:4]}-{value[5:7]}-{value[8:10]}T{value[11:19]}"
    if not iso.replace("-", "").replace(":", "").replace("T", "").isdigit():
        return None
    return iso + offset if offset and len(offset) == 6 else iso


def _coordinate(dms: object, ref: object, negative: str) -> float | None:
    if not isinstance(dms, tuple) or len(dms) != 3:
        return None
    try:
        degrees, minutes, seconds = (Fraction(str(float(part))) for part in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = float(degrees + minutes / 60 + seconds / 3600)
    return round(-value if _text(ref) == negative else value, 7)


def dominant_colour(rgb: bytes) -> str:
    """The dominant colour of packed 8-bit RGB pixels as ``#rrggbb``."""
    if not rgb:
        raise ValueError("no pixels")
    pixels = [rgb[i : i + 3] for i in range(0, len(rgb) - 2, 3)]
    buckets = Counter((p[0] >> 4, p[1] >> 4, p[2] >> 4) for p in pixels)
    top = buckets.most_common(1)[0][0]
    members = [p for p in pixels if (p[0] >> 4, p[1] >> 4, p[2] >> 4) == top]
    mean = [round(sum(p[c] for p in members) / len(members)) for c in range(3)]
    return "#{:02x}{:02x}{:02x}".format(*mean)
