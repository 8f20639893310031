"""Step: imgix ``mask=ellipse|corners|<image>``: the outside of the shape becomes
transparent, or ``mask-bg`` when given (formats without alpha then show white, or ``bg``).

``corners`` radii default to 20 % of the shorter side (imgix). An image mask
(``effects.mask_image``) is stretched to the output's size; its alpha is the shape, or,
when it has none, its lightness (white shows the image, black hides it). Returns at once
without ``effects.mask`` or ``effects.mask_image``.
"""

from __future__ import annotations

from typing import Any

from enlarger.imaging import shapes
from enlarger.imaging.colours import pixel, with_alpha
from enlarger.imaging.probe import probe
from enlarger.imaging.state import Run
from enlarger.imaging.thumbnail import thumbnail
from enlarger.spec.model import MASK, Color, Corners, MaskShape

#: imgix's default corner radius, as a share of the shorter side.
_DEFAULT_RADIUS = 0.2


def mask(run: Run) -> Run:
    effects = run.spec.effects
    if effects.mask is None and effects.mask_image is None:
        return run
    image = run.image
    width, height = image.width, image.height
    if effects.mask_image is not None:
        inside = _image_shape(run.extras[MASK], width, height)
    elif effects.mask is MaskShape.ELLIPSE:
        inside = shapes.ellipse(width, height)
    else:
        radii = effects.mask_radius or Corners(*[round(_DEFAULT_RADIUS * min(width, height))] * 4)
        inside = shapes.rounded_box(width, height, (0, 0, width, height), radii)
    if effects.mask_bg is not None:
        return run.with_image(paint_outside(image, inside, effects.mask_bg))
    return run.with_image(cut_out(image, inside))


def _image_shape(data: bytes, width: int, height: int) -> Any:
    """The mask image at ``width`` x ``height``: its alpha, else its lightness (uchar)."""
    decoded = thumbnail(data, probe(data), width, height)
    if decoded.hasalpha():
        return decoded.extract_band(decoded.bands - 1).cast("uchar")
    return decoded.colourspace("b-w").extract_band(0).cast("uchar")


def cut_out(image: Any, inside: Any) -> Any:
    """``image`` made transparent where ``inside`` is 0 (its own alpha kept inside)."""
    image = with_alpha(image)
    alpha = image.extract_band(image.bands - 1)
    kept = (alpha * inside / 255).cast("uchar")
    return image.extract_band(0, n=image.bands - 1).bandjoin(kept)


def paint_outside(image: Any, inside: Any, colour: Color) -> Any:
    """``image`` where ``inside`` is 255, ``colour`` outside, blended at the edge."""
    if not colour.opaque:
        image = with_alpha(image)
    painted = image.new_from_image(pixel(colour, image))
    return inside.ifthenelse(image, painted, blend=True)
