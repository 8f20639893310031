"""(RenderSpec, SourceFacts) -> Plan: the pure geometry of one render.

No pyvips here: every number the pipeline needs (which source region, what size, what
canvas, where the image sits on it) is decided by arithmetic, tested exhaustively.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from enlarger.spec.model import Color


class Interest(StrEnum):
    """Content-aware crops the pipeline resolves on pixels (libvips smartcrop)."""

    ENTROPY = "entropy"
    ATTENTION = "attention"


class Pad(StrEnum):
    """How the canvas around a scaled image is filled when the canvas is larger."""

    SOLID = "solid"
    BLUR = "blur"
    CLAMP = "clamp"


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in source pixels (floats: sub-pixel positions survive until rounding)."""

    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Plan:
    """The geometry of one render, in the oriented frame (after EXIF and ``orient``).

    1. take ``region`` of the oriented source (when ``interest`` is set, ``region`` gives
       the size and the fallback position; the pipeline may slide it within ``bounds``);
    2. resize it to exactly ``scaled`` pixels;
    3. place it at ``offset`` on a ``canvas``-sized image filled per ``pad``/``pad_color``
       (no padding when ``canvas == scaled``);
    4. rotate by ``rotate`` degrees.
    """

    bounds: Box
    region: Box
    scaled: tuple[int, int]
    canvas: tuple[int, int]
    offset: tuple[int, int] = (0, 0)
    interest: Interest | None = None
    pad: Pad | None = None
    pad_color: Color | None = None
    rotate: float = 0.0

    @property
    def scale(self) -> float:
        """The larger of the two axis scale factors (for shrink-on-load)."""
        return max(self.scaled[0] / self.region.width, self.scaled[1] / self.region.height)
