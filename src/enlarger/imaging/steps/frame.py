"""Steps: imgix ``pad`` then ``border`` around the finished image, to ``Plan.output``.

Padding is ``bg`` when given, else transparent (the alpha step makes it white for
formats without alpha). The border is painted outside the padding; ``border-radius``
makes its outer corners transparent, ``border-radius-inner`` rounds its inner edge
(the border's colour fills the image's corners). Both return at once when unset.
"""

from __future__ import annotations

from enlarger.imaging import shapes
from enlarger.imaging.colours import pixel, with_alpha
from enlarger.imaging.state import Run
from enlarger.imaging.steps.mask import cut_out, paint_outside
from enlarger.spec.model import Color, Corners

_CLEAR = Color(0, 0, 0, 0)


def pad_around(run: Run) -> Run:
    pad = run.spec.geometry.pad
    if not pad.any:
        return run
    top, right, bottom, left = pad.widths()
    colour = run.spec.output.bg or _CLEAR
    image = run.image if colour.opaque else with_alpha(run.image)
    width, height = image.width + left + right, image.height + top + bottom
    padded = image.embed(
        left, top, width, height, extend="background", background=pixel(colour, image)
    )
    return run.with_image(padded)


def border(run: Run) -> Run:
    line = run.spec.effects.border
    if not line.sides.any:
        return run
    top, right, bottom, left = line.sides.widths()
    image = run.image if line.color.opaque else with_alpha(run.image)
    inner_w, inner_h = image.width, image.height
    width, height = inner_w + left + right, inner_h + top + bottom
    framed = image.embed(
        left, top, width, height, extend="background", background=pixel(line.color, image)
    )
    if line.inner_radius != Corners():
        inner = shapes.rounded_box(width, height, (left, top, inner_w, inner_h), line.inner_radius)
        framed = paint_outside(framed, inner, line.color)
    if line.radius != Corners():
        outer = shapes.rounded_box(width, height, (0, 0, width, height), line.radius)
        framed = cut_out(framed, outer)
    return run.with_image(framed)
