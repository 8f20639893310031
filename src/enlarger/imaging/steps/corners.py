"""Step: round corners, painted in a colour or made transparent (thumbor ``round_corner``).

The corners are the outside of a rounded rectangle with radii ``a`` x ``b``, drawn
anti-aliased by librsvg as a mask. Returns at once without ``effects.round_corner``.
"""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.imaging.colours import pixel, with_alpha
from enlarger.imaging.state import Run
from enlarger.spec.model import RoundCorner


def round_corner(run: Run) -> Run:
    corner = run.spec.effects.round_corner
    if corner is None:
        return run
    image = run.image
    inside = _mask(image.width, image.height, corner)
    if corner.transparent:
        image = with_alpha(image)
        alpha = image.extract_band(image.bands - 1)
        kept = (alpha * inside / 255).cast("uchar")
        return run.with_image(image.extract_band(0, n=image.bands - 1).bandjoin(kept))
    painted = image.new_from_image(pixel(corner.color, image))
    return run.with_image(inside.ifthenelse(image, painted, blend=True))


def _mask(width: int, height: int, corner: RoundCorner) -> Any:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
        f'<rect width="{width}" height="{height}" rx="{corner.a}" ry="{corner.b}" '
        'fill="#fff"/></svg>'
    )
    return pyvips.Image.svgload_buffer(svg.encode("ascii")).extract_band(3)
