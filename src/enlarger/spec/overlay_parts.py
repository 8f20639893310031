"""What a render draws over the image: text, a blend layer, an image mask.

Every record here is flat (scalars, enums, ``Extent``, ``Color``): the canonical string
writes an optional record as one comma-separated value. Positions use the watermark's
``MarkPlacement`` (start, center, end) per axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from enlarger.spec.values import BLACK, WHITE, Color, Extent

#: the extra source roles of a blend image and an image mask (``RenderSpec.extra_sources``).
BLEND = "blend"
MASK = "mask"


class MarkPlacement(StrEnum):
    """Where a layer sits along one axis: ``offset`` from the start or the end edge,
    centred, or (watermarks only) tiled across the output."""

    START = "start"
    CENTER = "center"
    END = "end"
    TILE = "tile"


class LayerFit(StrEnum):
    """How a watermark or blend image fills its ``w`` x ``h`` box (imgix ``mark-fit``,
    ``blend-fit``): as the output ``fit`` values of the same names."""

    CLAMP = "clamp"
    CLIP = "clip"
    CROP = "crop"
    FILL = "fill"
    MAX = "max"
    SCALE = "scale"


class TextFont(StrEnum):
    """The font families the package ships (DejaVu Sans, Serif and Sans Mono)."""

    SANS = "sans-serif"
    SERIF = "serif"
    MONO = "monospace"


class TextClip(StrEnum):
    """Which part of a line too long for its box is cut away (imgix ``txt-clip``)."""

    START = "start"
    MIDDLE = "middle"
    END = "end"


def is_url(path: str) -> bool:
    """Whether an extra source's path is an absolute URL (fetched only where the
    configuration allows it) rather than a path in the main source's origin."""
    return path.startswith(("http://", "https://"))


@dataclass(frozen=True, slots=True)
class Text:
    """One line (or ``\\n``-separated lines) of text drawn over the image (imgix ``txt``).

    ``size`` is in pixels; ``width`` bounds the text box (0: the image's width less
    ``pad`` on each side); a line wider than the box is cut (``clip``, with an ellipsis
    where ``ellipsis``) or, with ``shrink`` (``txt-fit=max``), set smaller to fit.
    ``shadow`` 0-10 is a soft dark shadow's strength, ``line`` an outline's width in px.
    ``lead`` adds pixels between lines, ``track`` between letters.
    """

    text: str
    font: TextFont = TextFont.SANS
    bold: bool = False
    italic: bool = False
    size: int = 12
    color: Color = BLACK
    x: MarkPlacement = MarkPlacement.END
    y: MarkPlacement = MarkPlacement.END
    pad: int = 10
    shadow: float = 0.0
    width: int = 0
    shrink: bool = False
    line: int = 0
    line_color: Color = WHITE
    lead: int = 0
    track: int = 0
    clip: TextClip = TextClip.END
    ellipsis: bool = False


class BlendMode(StrEnum):
    """imgix's 16 blend modes."""

    NORMAL = "normal"
    MULTIPLY = "multiply"
    SCREEN = "screen"
    OVERLAY = "overlay"
    DARKEN = "darken"
    LIGHTEN = "lighten"
    DODGE = "dodge"
    BURN = "burn"
    HARDLIGHT = "hardlight"
    SOFTLIGHT = "softlight"
    DIFFERENCE = "difference"
    EXCLUSION = "exclusion"
    HUE = "hue"
    SATURATION = "saturation"
    COLOR = "color"
    LUMINOSITY = "luminosity"


@dataclass(frozen=True, slots=True)
class Blend:
    """A colour over the whole image, or an image placed on it, mixed by ``mode`` at
    ``alpha`` percent (imgix ``blend``).

    An image is sized to ``w`` x ``h`` (pixels or fractions of the output's sides) by
    ``fit``, cropped towards ``crop_x``/``crop_y``, or to the output's own size
    (``inherit``); then placed by ``x``/``y`` (``pad`` from the edge) unless ``left``/
    ``top`` give its offset in pixels.
    """

    color: Color | None = None
    image: str | None = None
    mode: BlendMode = BlendMode.OVERLAY
    alpha: int = 100
    x: MarkPlacement = MarkPlacement.CENTER
    y: MarkPlacement = MarkPlacement.CENTER
    w: Extent | None = None
    h: Extent | None = None
    fit: LayerFit = LayerFit.CLIP
    crop_x: MarkPlacement = MarkPlacement.CENTER
    crop_y: MarkPlacement = MarkPlacement.CENTER
    left: int | None = None
    top: int | None = None
    pad: int = 0
    inherit: bool = False
