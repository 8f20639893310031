"""Boxes between the stored frame and the oriented frame (EXIF orientation, then flip).

Pure arithmetic: the load step maps the Plan's region back to stored pixels so that only
that part is decoded into memory, and maps what it cut forward again for the region step.
"""

from __future__ import annotations

from enlarger.spec.model import Flip
from enlarger.spec.plan import Box

#: the orientation that undoes each EXIF orientation (only the quarter turns differ).
_INVERSE = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6}
_TRANSPOSING = frozenset({5, 6, 7, 8})


def oriented_size(width: int, height: int, orientation: int) -> tuple[int, int]:
    return (height, width) if orientation in _TRANSPOSING else (width, height)


def to_oriented(box: Box, size: tuple[int, int], orientation: int, flip: Flip | None) -> Box:
    """Where ``box`` of a stored image of ``size`` lands once oriented and flipped."""
    turned = _orient(box, size, orientation)
    return _flip(turned, oriented_size(*size, orientation), flip)


def to_stored(box: Box, size: tuple[int, int], orientation: int, flip: Flip | None) -> Box:
    """The box of a stored image of ``size`` that becomes ``box`` of the oriented frame."""
    oriented = oriented_size(*size, orientation)
    return _orient(_flip(box, oriented, flip), oriented, _INVERSE[orientation])


def _orient(box: Box, size: tuple[int, int], orientation: int) -> Box:
    """``box`` of a ``size`` image, moved as EXIF ``orientation`` moves its pixels."""
    width, height = size
    left, top, w, h = box.left, box.top, box.width, box.height
    right, bottom = width - left - w, height - top - h
    moved = {
        1: (left, top, w, h),
        2: (right, top, w, h),
        3: (right, bottom, w, h),
        4: (left, bottom, w, h),
        5: (top, left, h, w),
        6: (bottom, left, h, w),
        7: (bottom, right, h, w),
        8: (top, right, h, w),
    }[orientation]
    return Box(*moved)


def _flip(box: Box, size: tuple[int, int], flip: Flip | None) -> Box:
    width, height = size
    left, top = box.left, box.top
    if flip in (Flip.H, Flip.HV):
        left = width - box.left - box.width
    if flip in (Flip.V, Flip.HV):
        top = height - box.top - box.height
    return Box(left, top, box.width, box.height)
