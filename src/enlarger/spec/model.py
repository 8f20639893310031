"""The validated, immutable description of one render: what every URL dialect parses into.

Pure values only: no I/O and no pyvips. A ``RenderSpec`` is built once at the edge (by a
URL dialect: ``spec.imgix``, ``spec.thumbor``) and never mutated downstream. The groups'
smaller parts live in ``values``, ``geometry_parts``, ``output_kinds`` and
``effect_parts``; this module re-exports them, so ``spec.model`` names every type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from enlarger.spec.effect_parts import (
    Adjust,
    Border,
    Convolution,
    Denoise,
    Duotone,
    RgbShift,
    RoundCorner,
    Sharpen,
    Tone,
)
from enlarger.spec.face_parts import FaceArea
from enlarger.spec.geometry_parts import Anchor, FocalPoint, Rect, Trim, TrimMode, TrimSample
from enlarger.spec.output_kinds import Auto, ColorSpace, Format, PaletteFormat, Report
from enlarger.spec.overlay_parts import (
    BLEND,
    MASK,
    Blend,
    BlendMode,
    LayerFit,
    MarkPlacement,
    Text,
    TextClip,
    TextFont,
)
from enlarger.spec.values import BLACK, WHITE, Color, Corners, Extent, Sides

__all__ = [
    "BLACK",
    "BLEND",
    "MASK",
    "WATERMARK",
    "WHITE",
    "Adjust",
    "Anchor",
    "Animation",
    "Auto",
    "Blend",
    "BlendMode",
    "Border",
    "Color",
    "ColorSpace",
    "Convolution",
    "Corners",
    "Crop",
    "Denoise",
    "Duotone",
    "Effects",
    "Extent",
    "FaceArea",
    "FillMode",
    "Fit",
    "Flip",
    "FocalPoint",
    "Format",
    "Geometry",
    "LayerFit",
    "MarkPlacement",
    "MaskShape",
    "Orientation",
    "Output",
    "PaletteFormat",
    "Rect",
    "RenderSpec",
    "Report",
    "RgbShift",
    "RoundCorner",
    "Sharpen",
    "Sides",
    "Text",
    "TextClip",
    "TextFont",
    "Tone",
    "Trim",
    "TrimMode",
    "TrimSample",
    "Watermark",
]


class Fit(StrEnum):
    CLAMP = "clamp"
    CLIP = "clip"
    CROP = "crop"
    FILL = "fill"
    FILLMAX = "fillmax"
    MAX = "max"
    MIN = "min"
    SCALE = "scale"


class Crop(StrEnum):
    """imgix ``crop`` values; several may be combined (``top,left``)."""

    TOP = "top"
    BOTTOM = "bottom"
    LEFT = "left"
    RIGHT = "right"
    ENTROPY = "entropy"
    EDGES = "edges"
    FOCALPOINT = "focalpoint"
    FACES = "faces"


class FillMode(StrEnum):
    SOLID = "solid"
    BLUR = "blur"


class Flip(StrEnum):
    H = "h"
    V = "v"
    HV = "hv"


@dataclass(frozen=True, slots=True)
class Geometry:
    """Everything that decides the output's size and which source pixels it shows."""

    w: Extent | None = None
    h: Extent | None = None
    dpr: float = 1.0
    min_w: int | None = None
    min_h: int | None = None
    max_w: int | None = None
    max_h: int | None = None
    ar: tuple[float, float] | None = None
    rect: Rect | None = None
    fit: Fit = Fit.CLIP
    crop: frozenset[Crop] = frozenset()
    focal: FocalPoint = FocalPoint()
    fill: FillMode | None = None
    fill_color: Color = WHITE
    #: solid padding takes the image's mean colour instead of ``fill_color`` (thumbor
    #: ``fill(auto)``).
    fill_from_image: bool = False
    #: swap w and h when the box is portrait and the source landscape, or the reverse.
    adaptive: bool = False
    #: each requested side is first limited to the source's (thumbor ``no_upscale()``).
    within_source: bool = False
    #: the fits that show the whole source scale it to cover the box (the larger of the
    #: two factors) instead of fitting within it; nothing is cut (thumbor full-fit-in).
    cover: bool = False
    #: a point (x, y) in pixels of the oriented source that a crop centres on, overriding
    #: ``crop`` and ``focal`` (thumbor ``focal()``; imgix's focal point is a fraction).
    focus: tuple[float, float] | None = None
    #: the source's flat border cut away first; ``rect`` is then within what is left
    #: (imgix ``trim``, thumbor ``trim/``).
    trim: Trim | None = None
    #: the finished size times this factor, 0-1, whole pixels rounded down (thumbor
    #: ``proportion()``).
    final_scale: float = 1.0
    #: space added around the finished image, inside the requested w x h (imgix ``pad``).
    pad: Sides = Sides()
    #: the faces found in the source, padded, are the region (imgix ``fit=facearea``).
    face_area: FaceArea | None = None


@dataclass(frozen=True, slots=True)
class Orientation:
    """User rotation and flips, applied after EXIF auto-orientation."""

    rot: float = 0.0
    flip: Flip | None = None
    orient: int | None = None
    #: quarter turns counter-clockwise (0, 90, 180, 270) of the finished image.
    turn: int = 0


@dataclass(frozen=True, slots=True)
class Output:
    """Encoding choices. ``fm=None`` keeps the source's format (or negotiates with auto)."""

    fm: Format | None = None
    q: int | None = None
    lossless: bool = False
    chromasub: int | None = None
    cs: ColorSpace | None = None
    bg: Color | None = None
    auto: frozenset[Auto] = frozenset()
    dl: str | None = None
    #: the largest encoded size; lossy quality is lowered until the output fits.
    max_bytes: int | None = None
    #: answer with a description instead of an image (``palette`` wins over ``report``).
    report: Report | None = None
    palette: PaletteFormat | None = None
    #: the palette's size and its CSS classes' prefix (imgix ``colors``, ``prefix``).
    colors: int = 6
    prefix: str = "image"
    #: a PNG source with no transparent pixel, kept in its own format, is written as
    #: JPEG instead (thumbor ``autojpg()``).
    opaque_png_as_jpeg: bool = False
    #: ``report=json`` lists the faces found in the source (imgix ``faces=1``).
    faces: bool = False


@dataclass(frozen=True, slots=True)
class Watermark:
    """Another image from the main source's origin, drawn over the output.

    Offsets are pixels, or fractions of the output's side (``relative``). ``opacity``
    scales the mark's own alpha (1: as it is, 0: invisible). ``w_share``/``h_share``
    fit the mark, scaled up or down, within that share of the output's width/height (one
    of them alone bounds that side only; both 0: the mark's own size). ``w``/``h``
    (pixels or fractions of the output's sides) give it a box instead, filled by ``fit``.
    ``base`` is prefixed to ``path`` (imgix ``mark-base``); ``rotation`` turns the mark
    (degrees clockwise); the mark is drawn only on outputs at least ``min_w`` x ``min_h``.
    """

    path: str
    x: MarkPlacement = MarkPlacement.START
    x_offset: Extent = Extent(0)
    y: MarkPlacement = MarkPlacement.START
    y_offset: Extent = Extent(0)
    opacity: float = 1.0
    w_share: float = 0.0
    h_share: float = 0.0
    base: str | None = None
    w: Extent | None = None
    h: Extent | None = None
    fit: LayerFit = LayerFit.CLIP
    rotation: float = 0.0
    min_w: int = 0
    min_h: int = 0

    @property
    def source(self) -> str:
        """The mark's path (or URL) with ``base`` in front."""
        if self.base is None:
            return self.path
        joiner = "" if self.base.endswith("/") or self.path.startswith("/") else "/"
        return self.base + joiner + self.path


class MaskShape(StrEnum):
    ELLIPSE = "ellipse"
    CORNERS = "corners"


@dataclass(frozen=True, slots=True)
class Effects:
    """Pixel effects applied to the finished geometry, in field order; None/False: skipped."""

    grayscale: bool = False
    adjust: Adjust | None = None
    rgb_shift: RgbShift | None = None
    equalize: bool = False
    blur_sigma: float | None = None
    sharpen: Sharpen | None = None
    convolution: Convolution | None = None
    noise: float | None = None
    watermark: Watermark | None = None
    round_corner: RoundCorner | None = None
    #: imgix adjustments beyond ``adjust``: exposure, gamma, highlights, shadows, hue, vibrance.
    tone: Tone | None = None
    invert: bool = False
    #: imgix ``usm``/``usmrad``, after ``sharpen`` (imgix ``sharp``).
    unsharp: Sharpen | None = None
    denoise: Denoise | None = None
    #: sepia toning, 0-100.
    sepia: float | None = None
    #: the image in shades of this colour.
    monochrome: Color | None = None
    duotone: Duotone | None = None
    #: pixel blocks this many output pixels wide.
    pixelate: int | None = None
    #: halftone dots, 0-100 (larger: bigger dots).
    halftone: float | None = None
    mask: MaskShape | None = None
    #: ``mask=corners`` radii; None: 20 % of the shorter side (imgix's default).
    mask_radius: Corners | None = None
    #: what the mask's outside shows; None: transparent (white without alpha).
    mask_bg: Color | None = None
    border: Border = Border()
    #: a colour or image mixed over the image (imgix ``blend``), before ``watermark``.
    blend: Blend | None = None
    #: text drawn over the image (imgix ``txt``), after ``watermark``.
    text: Text | None = None
    #: an image whose alpha (or, without alpha, its lightness) masks the output, like ``mask``.
    mask_image: str | None = None

    @property
    def adds_alpha(self) -> bool:
        """Whether these effects leave transparent pixels (so auto formats keep alpha)."""
        border = self.border
        rounded = border.sides.any and border.radius != Corners()
        shaped = self.mask is not None or self.mask_image is not None
        masked = shaped and (self.mask_bg is None or not self.mask_bg.opaque)
        return masked or rounded


@dataclass(frozen=True, slots=True)
class Animation:
    """Which frames of an animated source are shown, and how (imgix's animation group).

    ``frames``: first and last frame, 1-based and inclusive, last 0 meaning the end;
    ``interval`` keeps every Nth of those (the first included), ``skip`` drops every Nth
    (the first included), then ``reverse``. ``fps`` replaces every delay with 1000/fps ms;
    ``loop`` is the repeat count written (0: forever; None: the source's).
    """

    frames: tuple[int, int] | None = None
    interval: int | None = None
    skip: int | None = None
    reverse: bool = False
    fps: int | None = None
    loop: int | None = None


#: the extra source role of ``effects.watermark`` (``RenderSpec.extra_sources``).
WATERMARK = "watermark"


@dataclass(frozen=True, slots=True)
class RenderSpec:
    """One fully validated render request, independent of the URL dialect it came from."""

    geometry: Geometry = field(default_factory=Geometry)
    orientation: Orientation = field(default_factory=Orientation)
    output: Output = field(default_factory=Output)
    effects: Effects = field(default_factory=Effects)
    animation: Animation = field(default_factory=Animation)

    @property
    def adds_alpha(self) -> bool:
        """Whether the render leaves transparent pixels where the source had none:
        padding without an opaque ``bg``, masks, rounded borders."""
        bg = self.output.bg
        padded = self.geometry.pad.any and (bg is None or not bg.opaque)
        return padded or self.effects.adds_alpha

    def extra_sources(self) -> Mapping[str, str]:
        """Other images this render draws (role -> path in the main source's origin): a
        watermark, a blend image, a mask. Located and read with the main source, and part
        of the ETag."""
        effects = self.effects
        named = {
            WATERMARK: None if effects.watermark is None else effects.watermark.source,
            BLEND: None if effects.blend is None else effects.blend.image,
            MASK: effects.mask_image,
        }
        return {role: path for role, path in named.items() if path is not None}
