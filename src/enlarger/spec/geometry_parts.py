"""The parts of a ``Geometry`` that pick source pixels: a region (``rect``), a focal point,
a trim."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from enlarger.spec.values import Color, Extent


class Anchor(StrEnum):
    """Keyword positions allowed in ``rect``'s x (left/center/right) and y (top/middle/bottom)."""

    START = "start"
    CENTER = "center"
    END = "end"


@dataclass(frozen=True, slots=True)
class Rect:
    """A source region (imgix ``rect``), in oriented source coordinates.

    x and y are an ``Extent`` or an ``Anchor``; w and h are an ``Extent``.
    """

    x: Extent | Anchor
    y: Extent | Anchor
    w: Extent
    h: Extent


@dataclass(frozen=True, slots=True)
class FocalPoint:
    x: float = 0.5
    y: float = 0.5
    z: float = 1.0


class TrimSample(StrEnum):
    """The corner whose colour ``Trim`` cuts away."""

    TOP_LEFT = "top-left"
    BOTTOM_RIGHT = "bottom-right"


class TrimMode(StrEnum):
    """imgix ``trim``: what counts as the border that is cut away."""

    AUTO = "auto"
    COLOR = "color"
    ALPHA = "alpha"
    COLORUNLESSALPHA = "colorunlessalpha"


@dataclass(frozen=True, slots=True)
class Trim:
    """Cut a flat border off the source before anything else (imgix ``trim``).

    ``auto``: the border colour is the corners' when they agree (their colours differ
    from their mean by at most ``mean_difference`` on average, with a spread of at most
    ``deviation``); ``color``: ``color`` within ``tolerance``; ``alpha``: fully
    transparent pixels. ``pad`` pixels of the border are kept (negative: cut further).
    """

    mode: TrimMode
    color: Color | None = None
    tolerance: float = 0.0
    mean_difference: float = 11.0
    deviation: float = 10.0
    pad: int = 0
    #: thumbor's trim: the corner whose colour is cut exactly (no smoothing), within
    #: ``tolerance``; None for imgix's trim.
    sample: TrimSample | None = None
