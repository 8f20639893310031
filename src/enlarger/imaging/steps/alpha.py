"""Step 8: alpha. Kept for formats that hold it, flattened onto ``bg`` (white) for JPEG.

imgix semantics: ``bg`` also fills the transparent parts of images in formats that keep
alpha; a ``bg`` that is itself partly transparent leaves a partly transparent result.
GIF holds 1-bit alpha: pixels at least half opaque are flattened onto ``bg`` (white) and
become opaque, the rest transparent (libvips alone would keep their unblended colour).
"""

from __future__ import annotations

from typing import Any

from enlarger.imaging.colours import pixel
from enlarger.imaging.formats import ALPHA_FORMATS
from enlarger.imaging.state import Run
from enlarger.spec.model import WHITE, Color, Format

_HALF = 128


def alpha(run: Run) -> Run:
    image = run.image
    if not image.hasalpha():
        return run
    bg = run.spec.output.bg
    if run.format not in ALPHA_FORMATS:
        return run.with_image(flatten(image, bg or WHITE))
    if run.format is Format.GIF:
        return run.with_image(one_bit(image, bg or WHITE))
    if bg is None:
        return run
    if bg.opaque:
        return run.with_image(flatten(image, bg))
    backdrop = image.new_from_image(pixel(bg, image))
    over = backdrop.composite2(image, "over", compositing_space=image.interpretation)
    return run.with_image(over.cast(image.format))


def one_bit(image: Any, colour: Color) -> Any:
    """``image`` flattened onto ``colour`` with its alpha cut to 0 or 255 at one half."""
    opaque = (image.extract_band(image.bands - 1) >= _HALF).cast("uchar")
    return flatten(image, colour).bandjoin(opaque)


def flatten(image: Any, colour: Color) -> Any:
    """``image`` over an opaque ``colour``, without its alpha band."""
    opaque = Color(colour.r, colour.g, colour.b)
    return image.flatten(background=pixel(opaque, image.extract_band(0, n=image.bands - 1)))
