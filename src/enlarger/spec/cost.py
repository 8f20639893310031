"""What one render costs, in pixels, for the render pool's admission (``http/pool.py``).

A render's memory and CPU grow with the pixels it holds: the source's bytes while they
are read and decoded (counted as one pixel per 3 bytes, an 8-bit RGB pixel's size), the
pixels decoded at the shrink-on-load scale (and a progressive JPEG's coefficients, which
its decoder holds at full size: ``SourceFacts.coefficients``, 2 bytes each), and the
output's pixels times its frames. A JPEG encoder that optimises its Huffman tables or
writes progressive scans holds the whole output's coefficients too (``jpeg_encoder_bytes``).
Some encoders cost far more per pixel than the pipeline before them (lossless WebP, AVIF,
GIF's quantiser keep the whole image and several working copies): their output counts
``HEAVY_WEIGHT`` times.

The cost is known in two stages. Before any byte is read, ``estimate`` sees only the
source's size and what the URL asks for; once the header is read, ``render_cost`` knows
the Plan. Admission reserves the estimate and the render settles the real cost.
"""

from __future__ import annotations

import math

from enlarger.spec.model import Format, Output, RenderSpec
from enlarger.spec.plan import Plan

BYTES_PER_PIXEL = 3
COEFFICIENT_BYTES = 2
HEAVY_WEIGHT = 8
#: JPEG decoders shrink on load by these factors only; WebP by any.
_JPEG_SHRINKS = (8, 4, 2)


def is_heavy(fmt: Format | None, output: Output) -> bool:
    """Encoders whose cost per pixel explodes at large sizes."""
    return fmt in (Format.AVIF, Format.GIF) or (fmt is Format.WEBP and output.lossless)


def estimate(spec: RenderSpec, source_bytes: int) -> int:
    """The cost known before reading: the source's bytes and the output the URL names
    (``w`` and ``h`` in pixels times ``dpr``; one side alone is taken as a square)."""
    geometry = spec.geometry
    sides = [
        extent.value * geometry.dpr
        for extent in (geometry.w, geometry.h)
        if extent is not None and not extent.relative
    ]
    requested = math.prod(sides) if len(sides) == 2 else sum(side * side for side in sides)
    weight = HEAVY_WEIGHT if is_heavy(spec.output.fm, spec.output) else 1
    return source_bytes // BYTES_PER_PIXEL + int(requested) * weight


def render_cost(
    plan: Plan,
    loader: str,
    fmt: Format,
    output: Output,
    source_bytes: int,
    frames: int = 1,
    coefficients: int = 0,
    encoder_bytes: int = 0,
) -> int:
    """The cost once the header is read: source bytes, decoded pixels (and the
    coefficients the decoder holds, and what the encoder holds), output pixels."""
    width, height = plan.canvas
    weight = HEAVY_WEIGHT if is_heavy(fmt, output) else 1
    output_pixels = width * height * frames * weight
    held = source_bytes + coefficients * COEFFICIENT_BYTES + encoder_bytes
    return held // BYTES_PER_PIXEL + decoded_pixels(plan, loader) * frames + output_pixels


def jpeg_encoder_bytes(plan: Plan, output: Output, whole_image_held: bool) -> int:
    """What a JPEG encoder holds at once: a few rows when it streams; when it optimises
    its Huffman tables or writes progressive scans, every coefficient for a second pass,
    measured at 5.5 bytes a pixel at 4:2:0 and 11 at 4:4:4 (maxrss of a 24 MP encode:
    +132 and +266 MB; mozjpeg keeps more than the 3 and 6 bytes of the coefficients)."""
    if not whole_image_held:
        return 0
    width, height = plan.canvas
    per_pixel = 5.5 if (output.chromasub or 420) == 420 else 11.0
    return int(width * height * per_pixel)


def decoded_pixels(plan: Plan, loader: str) -> int:
    """The load step's pixels for the Plan's region, counted at the coarsest
    shrink-on-load scale no smaller than the scaled size (JPEG by 2, 4 or 8, WebP by any
    factor), whichever scale the decode takes. libvips' own choice (the default; not
    ``fast_shrink_on_load``) leaves its kernel a 2x margin, so it decodes up to 4x these
    pixels, but a baseline decode streams rows rather than holding them: a 24 MP JPEG into
    1600 px adds 17-42 MB at either scale, where 6 M pixels (18 MB) are counted
    (benchmarks/MEMORY.md). A progressive JPEG's coefficients are counted apart."""
    region = plan.region.width * plan.region.height
    scaled_width = max(plan.scaled[0], 1)
    ratio = plan.region.width / scaled_width
    if loader == "jpeg":
        shrink: float = coarsest_jpeg_shrink(ratio)
    elif loader == "webp":
        shrink = max(ratio, 1.0)
    else:
        shrink = 1.0
    return int(region / (shrink * shrink))


def coarsest_jpeg_shrink(ratio: float) -> int:
    """The largest JPEG shrink-on-load factor that leaves an image no smaller than
    ``ratio`` times smaller (1 when none does)."""
    return next((shrink for shrink in _JPEG_SHRINKS if shrink <= ratio), 1)
