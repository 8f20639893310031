"""Step 3: cut the Plan's region from the loaded image (smartcrop when ``interest`` is set).

The load step decoded only ``Run.view`` of the oriented frame, at a fraction of its
size, so the Plan's boxes (measured on the full frame) are moved into the view, scaled
by that fraction and rounded edge by edge.
"""

from __future__ import annotations

from typing import Any

from enlarger.imaging.state import Run
from enlarger.spec.plan import Box


def region(run: Run) -> Run:
    image, plan, view = run.image, run.plan, run.view
    sx, sy = image.width / view.width, image.height / view.height

    def within(box: Box) -> Box:
        return Box(box.left - view.left, box.top - view.top, box.width, box.height)

    if plan.interest is None:
        return run.with_image(_cut(image, pixel_box(within(plan.region), sx, sy, image)))
    bounds = _cut(image, pixel_box(within(plan.bounds), sx, sy, image))
    _, _, width, height = pixel_box(within(plan.region), sx, sy, bounds)
    return run.with_image(bounds.smartcrop(width, height, interesting=plan.interest.value))


def pixel_box(box: Box, sx: float, sy: float, image: Any) -> tuple[int, int, int, int]:
    """``box`` scaled by (sx, sy), edges rounded, clipped to ``image``, at least 1 px."""
    left, right = _edges(box.left, box.width, sx, image.width)
    top, bottom = _edges(box.top, box.height, sy, image.height)
    return left, top, right - left, bottom - top


def _edges(start: float, length: float, scale: float, limit: int) -> tuple[int, int]:
    low = min(max(round(start * scale), 0), limit - 1)
    high = min(max(round((start + length) * scale), low + 1), limit)
    return low, high


def _cut(image: Any, box: tuple[int, int, int, int]) -> Any:
    left, top, width, height = box
    if (left, top, width, height) == (0, 0, image.width, image.height):
        return image
    return image.crop(left, top, width, height)
