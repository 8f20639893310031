"""The source region a render works on: the oriented frame (or its trimmed part), cut
to imgix's ``rect``, and the whole-pixel rounding every plan uses."""

from __future__ import annotations

import math
from dataclasses import dataclass

from enlarger.errors import InvalidParameter
from enlarger.spec.args import format_number
from enlarger.spec.model import Anchor, Extent, Rect


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in source pixels (floats: sub-pixel positions survive until rounding)."""

    left: float
    top: float
    width: float
    height: float


_ANCHOR_SHARE = {Anchor.START: 0.0, Anchor.CENTER: 0.5, Anchor.END: 1.0}


def round_half_up(value: float) -> int:
    """Nearest integer, halves up (imgix: 300x200 at w=100 is 100x67)."""
    return math.floor(value + 0.5)


def px(value: float) -> int:
    """A length in whole pixels, never below one."""
    return max(1, round_half_up(value))


def source_box(rect: Rect | None, whole: Box) -> Box:
    """The part of the oriented source that the fit modes size: ``rect`` of ``whole``
    (the frame, or its trimmed part), or all of it."""
    if rect is None:
        return whole
    width, height = round(whole.width), round(whole.height)
    _check_overlaps(rect, width, height)
    # Clip before rounding: a pixel count is an int of any length (``rect=0,0,1e400``
    # spelled out), which only compares safely; turning it into a float overflows.
    rect_w = px(min(rect.w.resolve(width), width))
    rect_h = px(min(rect.h.resolve(height), height))
    left = min(round_half_up(_rect_start(rect.x, width, rect_w)), width - 1)
    top = min(round_half_up(_rect_start(rect.y, height, rect_h)), height - 1)
    return Box(
        whole.left + left, whole.top + top, min(rect_w, width - left), min(rect_h, height - top)
    )


def _check_overlaps(rect: Rect, width: int, height: int) -> None:
    """A ``rect`` starting at or beyond the source's right or bottom edge shows nothing."""
    starts = (rect.x, width), (rect.y, height)
    # rounds to at least ``full``; compared unrounded, as a URL's integer may overflow a float
    if any(not isinstance(at, Anchor) and at.resolve(full) >= full - 0.5 for at, full in starts):
        raise InvalidParameter(
            "rect", f"a region that overlaps the {width}x{height} image", _describe(rect)
        )


def _describe(rect: Rect) -> str:
    parts = (rect.x, rect.y, rect.w, rect.h)
    return ",".join(p.value if isinstance(p, Anchor) else format_number(p.value) for p in parts)


def _rect_start(position: Extent | Anchor, full: int, size: int) -> float:
    if isinstance(position, Anchor):
        return (full - size) * _ANCHOR_SHARE[position]
    return min(max(0.0, position.resolve(full)), full)
