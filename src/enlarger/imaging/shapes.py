"""Anti-aliased shape masks drawn by librsvg: 255 inside the shape, 0 outside."""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.spec.model import Corners


def ellipse(width: int, height: int) -> Any:
    """The ellipse that fills a ``width`` x ``height`` image."""
    shape = (
        f'<ellipse cx="{width / 2}" cy="{height / 2}" rx="{width / 2}" ry="{height / 2}" '
        'fill="#fff"/>'
    )
    return _draw(width, height, shape)


def rounded_box(width: int, height: int, box: tuple[int, int, int, int], corners: Corners) -> Any:
    """A ``width`` x ``height`` mask of the rectangle ``box`` (left, top, width, height)
    with circular ``corners``, each at most half the box's shorter side."""
    left, top, box_w, box_h = box
    limit = min(box_w, box_h) / 2
    tl, tr, br, bl = (
        min(r, limit)
        for r in (corners.top_left, corners.top_right, corners.bottom_right, corners.bottom_left)
    )
    right, bottom = left + box_w, top + box_h
    path = (
        f"M{left + tl},{top} H{right - tr} A{tr},{tr} 0 0 1 {right},{top + tr} "
        f"V{bottom - br} A{br},{br} 0 0 1 {right - br},{bottom} "
        f"H{left + bl} A{bl},{bl} 0 0 1 {left},{bottom - bl} "
        f"V{top + tl} A{tl},{tl} 0 0 1 {left + tl},{top} Z"
    )
    return _draw(width, height, f'<path d="{path}" fill="#fff"/>')


def _draw(width: int, height: int, shape: str) -> Any:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">{shape}</svg>'
    return pyvips.Image.svgload_buffer(svg.encode("ascii")).extract_band(3)
