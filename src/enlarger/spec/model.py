"""The validated, immutable description of one render: what every URL dialect parses into.

Pure values only: no I/O and no pyvips. A ``RenderSpec`` is built once at the edge
(``spec.imgix`` today, ``spec.thumbor`` later) and never mutated downstream.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


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


class FillMode(StrEnum):
    SOLID = "solid"
    BLUR = "blur"


class Flip(StrEnum):
    H = "h"
    V = "v"
    HV = "hv"


class Format(StrEnum):
    """Output formats. ``PJPG`` is progressive JPEG."""

    JPG = "jpg"
    PJPG = "pjpg"
    PNG = "png"
    WEBP = "webp"
    AVIF = "avif"
    GIF = "gif"
    JXL = "jxl"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        return "jpg" if self is Format.PJPG else self.value


_MEDIA_TYPES = {
    Format.JPG: "image/jpeg",
    Format.PJPG: "image/jpeg",
    Format.PNG: "image/png",
    Format.WEBP: "image/webp",
    Format.AVIF: "image/avif",
    Format.GIF: "image/gif",
    Format.JXL: "image/jxl",
}


class ColorSpace(StrEnum):
    SRGB = "srgb"
    STRIP = "strip"
    ORIGIN = "origin"


class Report(StrEnum):
    """``fm`` values that describe the image instead of encoding it: its metadata
    (``json``), or a BlurHash of the render (``blurhash``)."""

    JSON = "json"
    BLURHASH = "blurhash"


class PaletteFormat(StrEnum):
    """imgix ``palette``: the render's main colours as JSON or as CSS classes."""

    JSON = "json"
    CSS = "css"


class Auto(StrEnum):
    FORMAT = "format"
    COMPRESS = "compress"
    ENHANCE = "enhance"


@dataclass(frozen=True, slots=True)
class Color:
    """An sRGB colour with alpha; channels 0-255."""

    r: int
    g: int
    b: int
    a: int = 255

    @property
    def opaque(self) -> bool:
        return self.a == 255

    def hex(self) -> str:
        """Canonical form: RRGGBB, or AARRGGBB (imgix order) when not opaque."""
        rgb = f"{self.r:02x}{self.g:02x}{self.b:02x}"
        return rgb if self.opaque else f"{self.a:02x}{rgb}"


WHITE = Color(255, 255, 255)
BLACK = Color(0, 0, 0)


@dataclass(frozen=True, slots=True)
class Extent:
    """A length: whole pixels, or (``relative``) a fraction 0-1 of the source's length."""

    value: float
    relative: bool = False

    def resolve(self, source_length: float) -> float:
        return self.value * source_length if self.relative else self.value


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


@dataclass(frozen=True, slots=True)
class Sides:
    """Widths in pixels around an image: ``all`` on each side unless that side is given."""

    all: int = 0
    top: int | None = None
    right: int | None = None
    bottom: int | None = None
    left: int | None = None

    def widths(self) -> tuple[int, int, int, int]:
        """(top, right, bottom, left), CSS order."""

        def width(side: int | None) -> int:
            return self.all if side is None else side

        return width(self.top), width(self.right), width(self.bottom), width(self.left)

    @property
    def any(self) -> bool:
        return self.widths() != (0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Corners:
    """Corner radii in pixels: top-left, top-right, bottom-right, bottom-left (CSS order)."""

    top_left: int = 0
    top_right: int = 0
    bottom_right: int = 0
    bottom_left: int = 0


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


@dataclass(frozen=True, slots=True)
class Adjust:
    """Tone changes: brightness and contrast in percent of the full range, -100 to 100
    (0: unchanged); saturation a factor of the chroma (1: unchanged, 0: grey)."""

    brightness: float = 0.0
    contrast: float = 0.0
    saturation: float = 1.0


@dataclass(frozen=True, slots=True)
class RgbShift:
    """Per-channel offsets in percent of the full range, -100 to 100."""

    red: float = 0.0
    green: float = 0.0
    blue: float = 0.0


@dataclass(frozen=True, slots=True)
class Sharpen:
    """Unsharp mask: ``amount`` of the edges added back, Gaussian ``radius`` in pixels."""

    amount: float
    radius: float
    luminance_only: bool = False


@dataclass(frozen=True, slots=True)
class Convolution:
    """A kernel of ``weights`` row by row, ``columns`` wide, applied to the colour bands;
    ``normalize`` divides by the weights' sum (when it is not 0)."""

    weights: tuple[float, ...]
    columns: int
    normalize: bool = True


@dataclass(frozen=True, slots=True)
class RoundCorner:
    """Elliptical corners of radii ``a`` x ``b`` px, painted ``color`` (or transparent)."""

    a: int
    b: int
    color: Color = WHITE
    transparent: bool = False


class MarkPlacement(StrEnum):
    """Where a watermark sits along one axis: ``offset`` from the start or the end edge,
    centred, or tiled across the output."""

    START = "start"
    CENTER = "center"
    END = "end"
    TILE = "tile"


@dataclass(frozen=True, slots=True)
class Watermark:
    """Another image from the main source's origin, drawn over the output.

    Offsets are pixels, or fractions of the output's side (``relative``). ``opacity``
    scales the mark's own alpha (1: as it is, 0: invisible). ``w_share``/``h_share``
    fit the mark, scaled up or down, within that share of the output's width/height (one
    of them alone bounds that side only; both 0: the mark's own size).
    """

    path: str
    x: MarkPlacement = MarkPlacement.START
    x_offset: Extent = Extent(0)
    y: MarkPlacement = MarkPlacement.START
    y_offset: Extent = Extent(0)
    opacity: float = 1.0
    w_share: float = 0.0
    h_share: float = 0.0


@dataclass(frozen=True, slots=True)
class Tone:
    """imgix's light and colour corrections, each -100 to 100 (0: unchanged) except
    ``highlight`` (-100 to 0), ``shadow`` (0 to 100) and ``hue`` (degrees)."""

    exposure: float = 0.0
    gamma: float = 0.0
    highlight: float = 0.0
    shadow: float = 0.0
    hue: float = 0.0
    vibrance: float = 0.0


@dataclass(frozen=True, slots=True)
class Denoise:
    """imgix ``nr``/``nrs``: edge-preserving smoothing of differences up to ``bound``
    (percent of a level scale), then ``sharpen`` percent of the detail added back."""

    bound: float = 20.0
    sharpen: float = 20.0


@dataclass(frozen=True, slots=True)
class Duotone:
    """Shadows mapped to ``dark``, highlights to ``light``, ``alpha`` percent over the image."""

    dark: Color
    light: Color
    alpha: float = 100.0


class MaskShape(StrEnum):
    ELLIPSE = "ellipse"
    CORNERS = "corners"


@dataclass(frozen=True, slots=True)
class Border:
    """A band of ``color`` around the image (outside ``pad``), ``radius`` rounding its
    outer corners (transparent beyond) and ``inner_radius`` its inner ones."""

    sides: Sides = Sides()
    color: Color = BLACK
    radius: Corners = Corners()
    inner_radius: Corners = Corners()


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

    @property
    def adds_alpha(self) -> bool:
        """Whether these effects leave transparent pixels (so auto formats keep alpha)."""
        border = self.border
        rounded = border.sides.any and border.radius != Corners()
        masked = self.mask is not None and (self.mask_bg is None or not self.mask_bg.opaque)
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
        mark = self.effects.watermark
        return {} if mark is None else {WATERMARK: mark.path}
