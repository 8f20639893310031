"""The parameter groups of ``Effects``: tone and colour changes, detail, corners and borders."""

from __future__ import annotations

from dataclasses import dataclass

from enlarger.spec.values import BLACK, WHITE, Color, Corners, Sides


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


@dataclass(frozen=True, slots=True)
class Border:
    """A band of ``color`` around the image (outside ``pad``), ``radius`` rounding its
    outer corners (transparent beyond) and ``inner_radius`` its inner ones."""

    sides: Sides = Sides()
    color: Color = BLACK
    radius: Corners = Corners()
    inner_radius: Corners = Corners()
