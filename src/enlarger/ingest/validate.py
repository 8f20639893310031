"""Everything checked before an upload is stored, cheapest first.

size (413) -> magic bytes (415) -> header and pixel limit (422) -> one decode at
shrink-on-load size (422 when truncated or corrupt). A small RGB preview comes out of
the same step for the dominant colour and the blurhash. Runs on a worker thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from enlarger.errors import ClientError, PayloadTooLarge
from enlarger.imaging import RenderOptions, check_decodes, check_pixels, probe, render
from enlarger.ingest.heic import decode_heic, heic_facts
from enlarger.ingest.sniff import HEIC, SNIFF_BYTES, ImageType, sniff
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Extent, Fit, Format, Geometry, Output, RenderSpec

#: the preview's longest side: enough for a 4x3 blurhash and a colour histogram.
PREVIEW_SIDE = 32

_PREVIEW_SPEC = RenderSpec(
    geometry=Geometry(w=Extent(PREVIEW_SIDE), h=Extent(PREVIEW_SIDE), fit=Fit.MAX),
    output=Output(fm=Format.PNG),
)


@dataclass(frozen=True, slots=True)
class Preview:
    """Packed 8-bit RGB pixels of a small, upright version of the image."""

    rgb: bytes
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Validated:
    kind: ImageType
    facts: SourceFacts
    preview: Preview


def check_size(received: int, max_bytes: int) -> None:
    if received > max_bytes:
        raise PayloadTooLarge(f"the upload is larger than {max_bytes} bytes", limit=max_bytes)


def validate(data: bytes, max_bytes: int, max_pixels: int) -> Validated:
    """Return what is known about ``data`` or raise the 4xx that rejects it."""
    if not data:
        raise ClientError("the upload is empty")
    check_size(len(data), max_bytes)
    kind = sniff(data[:SNIFF_BYTES])
    if kind == HEIC:
        facts = heic_facts(data)
        check_pixels(facts, max_pixels)
        return Validated(kind, facts, _preview_of(decode_heic(data)))
    check_pixels(probe(data), max_pixels)
    facts = check_decodes(data)
    options = RenderOptions(max_source_pixels=max_pixels)
    small = render(data, _PREVIEW_SPEC, frozenset({Format.PNG}), options)
    with Image.open(io.BytesIO(small.data)) as image:
        return Validated(kind, facts, _preview_of(image))


def _preview_of(image: Image.Image) -> Preview:
    rgb = image.convert("RGBA").convert("RGB") if image.mode != "RGB" else image
    if max(rgb.size) > PREVIEW_SIDE:
        rgb = rgb.copy()
        rgb.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    return Preview(rgb.tobytes(), rgb.width, rgb.height)
