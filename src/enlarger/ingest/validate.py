"""Everything checked before an upload is stored, cheapest first.

size (413) -> magic bytes (415) -> header and pixel limit (422) -> one decode at
shrink-on-load size (422 when truncated or corrupt). That decode's small sRGB pixels
are what the dominant colour and the blurhash are computed from. Runs on a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from enlarger.errors import ClientError, PayloadTooLarge
from enlarger.imaging import Pixels, check_pixels, decode_preview, probe
from enlarger.ingest.sniff import SNIFF_BYTES, ImageType, sniff
from enlarger.spec.facts import SourceFacts

#: the preview's longest side: enough for a 4x3 blurhash and a colour histogram.
PREVIEW_SIDE = 32


@dataclass(frozen=True, slots=True)
class Validated:
    kind: ImageType
    facts: SourceFacts
    #: a small, upright version of the image (at most ``PREVIEW_SIDE`` on its long side).
    preview: Pixels


def check_size(received: int, max_bytes: int) -> None:
    if received > max_bytes:
        raise PayloadTooLarge(f"the upload is larger than {max_bytes} bytes", limit=max_bytes)


def validate(data: bytes, max_bytes: int, max_pixels: int) -> Validated:
    """Return what is known about ``data`` or raise the 4xx that rejects it."""
    if not data:
        raise ClientError("the upload is empty")
    check_size(len(data), max_bytes)
    kind = sniff(data[:SNIFF_BYTES])
    facts = probe(data)
    check_pixels(facts, max_pixels)
    return Validated(kind, facts, decode_preview(data, facts, PREVIEW_SIDE))
