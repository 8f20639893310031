"""Everything an upload's row needs from its bytes, computed in one call off the event loop.

Validation (probe, pixel limit, the one preview decode), the content hash, the EXIF
summary, the dominant colour and the blurhash are all CPU work: the ingest use case runs
``inspect_upload`` on a worker thread (the render pool) so the event loop stays
responsive while a large upload is checked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from enlarger.imaging.blurhash import encode as blurhash
from enlarger.ingest.metadata import dominant_colour, read_exif
from enlarger.ingest.validate import Validated, validate


@dataclass(frozen=True, slots=True)
class Inspection:
    validated: Validated
    sha256: str
    #: the EXIF summary as uploads return it (``ExifSummary.as_json``).
    exif: dict[str, Any]
    dominant_colour: str
    blurhash: str


def inspect_upload(data: bytes, max_bytes: int, max_pixels: int, keep_gps: bool) -> Inspection:
    """Validate ``data`` (raising the 4xx that rejects it), then describe it. Blocking."""
    validated = validate(data, max_bytes, max_pixels)
    preview = validated.preview
    return Inspection(
        validated=validated,
        sha256=hashlib.sha256(data).hexdigest(),
        exif=read_exif(data, keep_gps).as_json(),
        dominant_colour=dominant_colour(preview.rgb),
        blurhash=blurhash(preview.rgb, preview.width, preview.height),
    )
