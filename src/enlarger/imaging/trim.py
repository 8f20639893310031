"""The trim analyser (imgix ``trim``): find the source's flat border and replan without it.

It looks at a copy of the oriented source fitted within ``TRIM_SIDE`` pixels, so the
edges found are exact for sources up to that size and within one glance pixel beyond.

* ``auto``: the border colour is the mean of the four corners, when they agree: their
  standard deviation at most ``trim-sd``; pixels within ``trim-md`` of it are border.
* ``color``: ``trim-color`` (default: the top-left pixel's) within ``trim-tol``.

A ``sample`` corner (thumbor's ``trim/``) is cut exactly by ``corner_trim.py`` instead.
* ``alpha``: fully transparent pixels; ``colorunlessalpha``: alpha when the source has
  it, else color.

``trim-pad`` keeps that many source pixels of the border (negative: cuts into the
content), within the image. A source that is all border is left as it is.
"""

from __future__ import annotations

import math
from typing import Any

from enlarger.imaging.analyse import glance
from enlarger.imaging.corner_trim import corner_content
from enlarger.imaging.frame import oriented_size
from enlarger.imaging.state import Run
from enlarger.spec.model import Color, Trim, TrimMode
from enlarger.spec.plan import Box, Plan

#: the glance's side for trimming: edges are found to the pixel up to this size.
TRIM_SIDE = 1024
#: the corner patches ``auto`` compares, in glance pixels.
_CORNER = 3


def trim(run: Run) -> Plan | None:
    wanted = run.spec.geometry.trim
    if wanted is None:
        return None
    if wanted.sample is not None:
        box = corner_content(run, wanted)
        return None if box is None else run.replanned(trimmed=box)
    image = glance(run, TRIM_SIDE).copy_memory()  # read more than once, out of order
    found = _content(image, wanted, run.facts.has_alpha)
    if found is None:
        return None
    width, height = oriented_size(run.facts.width, run.facts.height, run.plan.orientation)
    scale = width / image.width
    left, top, right, bottom = (round(edge * scale) for edge in found)
    pad = wanted.pad
    left, top = max(0, left - pad), max(0, top - pad)
    right, bottom = min(width, right + pad), min(height, bottom + pad)
    if right - left < 1 or bottom - top < 1:
        return None
    box = Box(left, top, right - left, bottom - top)
    return run.replanned(trimmed=box)


def _content(image: Any, wanted: Trim, has_alpha: bool) -> tuple[int, int, int, int] | None:
    """The (left, top, right, bottom) edges of what is not border, in glance pixels."""
    mode = wanted.mode
    if mode is TrimMode.COLORUNLESSALPHA:
        mode = TrimMode.ALPHA if has_alpha else TrimMode.COLOR
    if mode is TrimMode.ALPHA:
        if not image.hasalpha():
            return None
        alpha = image.extract_band(image.bands - 1)
        return _edges(alpha, [0.0], 0.0)
    colour = image.extract_band(0, n=3) if image.bands >= 3 else image.extract_band(0)
    if mode is TrimMode.COLOR:
        border = (
            [float(v) for v in colour.getpoint(0, 0)]
            if wanted.color is None
            else _bands_of(wanted.color, colour.bands)
        )
        return _edges(colour, border, wanted.tolerance)
    border_or_none = _agreeing_corners(colour, wanted.deviation)
    if border_or_none is None:
        return None
    return _edges(colour, border_or_none, wanted.mean_difference)


def _agreeing_corners(image: Any, deviation: float) -> list[float] | None:
    """The mean colour of the four corner patches, when their spread is within ``deviation``."""
    side = min(_CORNER, image.width, image.height)
    spots = [
        (0, 0),
        (image.width - side, 0),
        (0, image.height - side),
        (image.width - side, image.height - side),
    ]
    patches = [image.crop(x, y, side, side) for x, y in spots]
    means = [[patch.extract_band(b).avg() for b in range(image.bands)] for patch in patches]
    centre = [sum(values) / 4 for values in zip(*means, strict=True)]
    spread = math.sqrt(
        sum((v - c) ** 2 for mean in means for v, c in zip(mean, centre, strict=True))
        / (4 * image.bands)
    )
    return centre if spread <= deviation else None


def _edges(image: Any, border: list[float], threshold: float) -> tuple[int, int, int, int] | None:
    left, top, width, height = image.find_trim(threshold=threshold, background=border)
    if width == 0 or height == 0:
        return None
    return left, top, left + width, top + height


def _bands_of(colour: Color, bands: int) -> list[float]:
    if bands >= 3:
        return [float(colour.r), float(colour.g), float(colour.b)]
    return [0.299 * colour.r + 0.587 * colour.g + 0.114 * colour.b]
