"""The EXIF block of a source, read through libvips from the header (no pixel decoded).

libvips hands over the raw block (``exif-data``: a TIFF structure, with or without the
``Exif\\0\\0`` marker, whatever the container); Pillow's ``Exif`` decodes its tags. HEIC
included: libvips reads HEIF headers even where it cannot decode HEVC.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyvips
from PIL import Image

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825


@dataclass(frozen=True, slots=True)
class ExifTags:
    """Tag number -> value of the three IFDs a summary needs; empty when there is no EXIF."""

    ifd0: Mapping[int, object] = field(default_factory=dict)
    #: the Exif sub-IFD (capture time, lens...).
    exif: Mapping[int, object] = field(default_factory=dict)
    gps: Mapping[int, object] = field(default_factory=dict)


def read_exif_tags(data: bytes) -> ExifTags:
    """The EXIF tags in ``data``'s header; empty when it has none or is not an image."""
    try:
        image = pyvips.Image.new_from_buffer(data, "")
        if image.get_typeof("exif-data") == 0:
            return ExifTags()
        block = Image.Exif()
        block.load(bytes(image.get("exif-data")))
        return ExifTags(dict(block), dict(block.get_ifd(_EXIF_IFD)), dict(block.get_ifd(_GPS_IFD)))
    except (pyvips.Error, OSError, ValueError, SyntaxError, struct.error):
        return ExifTags()
