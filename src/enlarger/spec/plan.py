"""(RenderSpec, SourceFacts) -> Plan: the pure geometry of one render.

No pyvips here: every number the pipeline needs (which source region, what size, what
canvas, where the image sits on it) is decided by arithmetic, tested exhaustively.

The imgix rules implemented (docs.imgix.com, Rendering API: size, fit, crop, aspect ratio,
min/max width/height, rect, dpr, focal point, fill, orientation, rotation):

* **Frame.** Everything happens on the oriented source. ``orient`` *replaces* the EXIF
  orientation when given (0 ignores EXIF; 90/180/270 are aliases of 6/3/8); otherwise the
  EXIF tag applies. Orientations 5-8 swap width and height.
* **rect** is cut first, in whole pixels, clipped to the image. x accepts left/center/right
  (y: top/middle/bottom) meaning 0, half and all of the room left beside the rectangle;
  fractions are of the oriented size. The rectangle is then "the source" for all below.
* **w/h** fractions are of that source. With one of them the other keeps the source's
  aspect ratio; with neither the output is the source's size.
* **dpr** multiplies w, h and min/max-*, and only when w or h is given (imgix: "you must
  specify a width, a height, or both for this parameter to work").
* **ar** counts only with fit=crop or fit=fill, and only when w and h are not both given:
  with one of them it yields the other; alone it is the largest box of that ratio inside
  the source (crop: cut to it at source resolution; fill: the image is fitted in it).
* **min-w/min-h/max-w/max-h** count only with fit=crop and clamp the output box after
  the missing side is derived (``fit=crop&h=200&max-w=200`` crops a landscape square).
* **fit** (box = the requested w x h): clip fits within (upscales); max is clip that
  never upscales; scale distorts to the box; crop covers the box and cuts the rest;
  min is crop that never upscales (output keeps the box's ratio but is no larger than the
  region it shows); fill fits within (upscales) and pads to the box (``fill=solid`` with
  ``fill-color`` unless ``fill=blur``); fillmax is fill that never upscales; clamp is
  fill padded by repeating edge pixels. The padded image is centred: imgix documents no
  alignment for fill.
* **crop position** (crop and min): centred; top/bottom/left/right pull the region to that
  edge, opposite values cancel; ``focalpoint`` centres it on (fp-x, fp-y) of the source,
  clamped so it stays inside, and fp-z divides its size (zooms in); otherwise
  ``entropy``/``edges`` ask the pipeline for a content-aware position, the directional
  one being the fallback. ``focus`` (pixels, thumbor ``focal()``) centres it on that
  point of the oriented source instead, clamped the same way.
* **Rounding** to the nearest whole pixel, halves up; no side below 1 px.
* **within_source** (thumbor ``no_upscale()``) limits each requested side to the
  source's before anything else; **adaptive** (thumbor ``adaptive-fit-in``) swaps the
  box's sides when it is landscape and the source portrait, or the reverse.
* **final_scale** (thumbor ``proportion()``) scales the finished size (and any padding)
  by a factor up to 1, rounding down.
* **rot** turns the image counter-clockwise *within* the frame, zoomed to cover it, so it
  never changes the canvas (unlike orient).
* An output over ``max_output_pixels`` in area raises ``OutputTooLarge`` before any pixel
  is decoded (an unsigned URL must not buy a 67 MP upscale of a small photo).
* A ``rect`` that starts at or past the source's right or bottom edge, or a ``dpr`` that
  shrinks a side of at least a pixel to nothing, is an ``InvalidParameter`` (400), not a
  1x1 image.
* **trim** (an analyser's finding, ``trimmed``) replaces the oriented frame: ``rect`` and
  every fraction are then of the trimmed part.
* **pad** and **border** widths make a ``margin`` around the canvas. Without w and h
  the output grows by it; with them the box shrinks by it first, so the image and its
  margin fit the requested size (imgix: "the image, including the padding, will be sized
  to fit within the requested dimensions"). Margins are output pixels (not times dpr).
* An output side above ``max_output_side`` raises ``OutputTooLarge`` when w or h asked
  for it (imgix silently shrinks to 8192; we refuse, so a URL never means two sizes).
  With neither w nor h, nothing was asked: an original larger than the limit is shrunk
  to fit it, so a plain URL to a large original still renders.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from enum import StrEnum

from enlarger.errors import InvalidParameter, OutputTooLarge
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import (
    Color,
    Crop,
    FillMode,
    Fit,
    Geometry,
    RenderSpec,
)
from enlarger.spec.plan_region import Box as Box
from enlarger.spec.plan_region import px, round_half_up, source_box


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
class Plan:
    """The geometry of one render, in the oriented frame.

    The frame is the stored pixels turned by ``orientation`` (an EXIF value 1-8: the
    ``orient`` parameter when given, which replaces the EXIF tag, else the EXIF tag), then
    flipped per ``flip`` (a flip changes no size).

    1. take ``region`` of the oriented source (when ``interest`` is set, ``region`` gives
       the size and the fallback position; the pipeline may slide it within ``bounds``,
       which is the ``rect`` or the whole frame);
    2. resize it to exactly ``scaled`` pixels;
    3. place it at ``offset`` on a ``canvas``-sized image filled per ``pad``/``pad_color``
       (``pad`` is None exactly when ``canvas == scaled``);
    4. rotate by ``rotate`` degrees counter-clockwise about the centre, enlarged by
       ``rotate_zoom`` so that it still covers the canvas, and cut back to ``canvas``
       (imgix ``rot`` turns the image within its frame: the output stays that size).
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
    orientation: int = 1
    #: pad and border around the canvas: (top, right, bottom, left) pixels.
    margin: tuple[int, int, int, int] = (0, 0, 0, 0)

    @property
    def output(self) -> tuple[int, int]:
        """The finished image's size: the canvas and its margin."""
        top, right, bottom, left = self.margin
        return self.canvas[0] + left + right, self.canvas[1] + top + bottom

    @property
    def scale(self) -> float:
        """The larger of the two axis scale factors (for shrink-on-load)."""
        return max(self.scaled[0] / self.region.width, self.scaled[1] / self.region.height)

    @property
    def rotate_zoom(self) -> float:
        """The enlargement that lets the canvas turned by ``rotate`` cover the canvas."""
        turn = math.radians(self.rotate)
        cos, sin = abs(math.cos(turn)), abs(math.sin(turn))
        width, height = self.canvas
        return max(cos + sin * height / width, cos + sin * width / height)


#: imgix ``orient`` degree aliases (and 0, "ignore EXIF") as EXIF orientations.
_ORIENT_ALIASES = {0: 1, 90: 6, 180: 3, 270: 8}
#: the fits that cut the source to the box (the others show all of it).
CROPPING_FITS = frozenset({Fit.CROP, Fit.MIN})
_PADDING = frozenset({Fit.FILL, Fit.FILLMAX, Fit.CLAMP})
_NO_UPSCALE = frozenset({Fit.MAX, Fit.MIN, Fit.FILLMAX})
_ASPECT_FITS = frozenset({Fit.CROP, Fit.FILL})


#: where an Anchor puts a rectangle, as a share of the room left beside it.
def make_plan(
    spec: RenderSpec,
    facts: SourceFacts,
    max_output_side: int = 8192,
    max_output_pixels: int | None = None,
    *,
    trimmed: Box | None = None,
) -> Plan:
    """Decide the geometry of rendering ``spec`` from a source with ``facts``.

    ``trimmed``: the part of the oriented frame that trim kept (the whole frame if None).
    Raises ``OutputTooLarge`` when a side of the output would exceed ``max_output_side``
    or its area ``max_output_pixels``, and ``InvalidParameter`` for a ``rect`` outside the
    source or a ``dpr`` that leaves less than a pixel.
    """
    geometry = spec.geometry
    orientation = effective_orientation(spec, facts)
    frame = dataclasses.replace(facts, orientation=orientation)
    whole = trimmed or Box(0, 0, frame.oriented_width, frame.oriented_height)
    source = source_box(geometry.rect, whole)
    margin = _margin(spec)
    box = _target_box(geometry, source, max_output_side, margin)
    if geometry.fit in CROPPING_FITS:
        region, scaled = _crop(geometry, source, box)
        canvas = scaled
    else:
        region = source
        scaled = _resized(geometry, source, box)
        canvas = (px(box[0]), px(box[1])) if geometry.fit in _PADDING else scaled
    if geometry.final_scale != 1.0:
        scaled, canvas = (
            _shrunk(scaled, geometry.final_scale),
            _shrunk(canvas, geometry.final_scale),
        )
    _check_size(canvas, margin, max_output_side, max_output_pixels)
    pad = _pad(geometry) if canvas != scaled else None
    return Plan(
        bounds=source,
        region=region,
        scaled=scaled,
        canvas=canvas,
        offset=((canvas[0] - scaled[0]) // 2, (canvas[1] - scaled[1]) // 2),
        interest=_interest(geometry) if _smaller(region, source) else None,
        pad=pad,
        pad_color=geometry.fill_color if pad is Pad.SOLID else None,
        rotate=spec.orientation.rot % 360.0,
        orientation=orientation,
        margin=margin,
    )


def effective_orientation(spec: RenderSpec, facts: SourceFacts) -> int:
    """The EXIF orientation (1-8) that takes the stored pixels to the planning frame."""
    orient = spec.orientation.orient
    if orient is None:
        return facts.orientation
    return _ORIENT_ALIASES.get(orient, orient)


def _shrunk(size: tuple[int, int], factor: float) -> tuple[int, int]:
    """``size`` times ``factor``, rounded down (thumbor's ``proportion()``), at least 1 px."""
    return max(1, math.floor(size[0] * factor + 1e-9)), max(1, math.floor(size[1] * factor + 1e-9))


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _margin(spec: RenderSpec) -> tuple[int, int, int, int]:
    """Padding and border widths per side (top, right, bottom, left)."""
    pad = spec.geometry.pad.widths()
    border = spec.effects.border.sides.widths()
    return (pad[0] + border[0], pad[1] + border[1], pad[2] + border[2], pad[3] + border[3])


def _target_box(
    geometry: Geometry, source: Box, max_output_side: int, margin: tuple[int, int, int, int]
) -> tuple[float, float]:
    """The requested box for the canvas in device pixels, both sides known: the requested
    output less ``margin``."""
    width = geometry.w.resolve(source.width) if geometry.w is not None else None
    height = geometry.h.resolve(source.height) if geometry.h is not None else None
    if geometry.within_source:
        width = min(width, source.width) if width is not None else None
        height = min(height, source.height) if height is not None else None
    density = geometry.dpr if width is not None or height is not None else 1.0
    across, down = margin[1] + margin[3], margin[0] + margin[2]
    if width is not None and across:
        width = max(width - across / density, 1 / density)
    if height is not None and down:
        height = max(height - down / density, 1 / density)
    if geometry.ar is not None and geometry.fit in _ASPECT_FITS:
        width, height = _with_aspect(geometry.ar, width, height, source)
    if width is None and height is None:
        width, height = source.width, source.height
    elif width is None:
        assert height is not None
        width = height * source.width / source.height
    elif height is None:
        height = width * source.height / source.width
    _check_density(density, width, height)
    width, height = width * density, height * density
    if geometry.adaptive and (width - height) * (source.width - source.height) < 0:
        width, height = height, width
    if geometry.fit is Fit.CROP:
        width = _limit(width, geometry.min_w, geometry.max_w, density)
        height = _limit(height, geometry.min_h, geometry.max_h, density)
    if geometry.w is None and geometry.h is None:
        room = max(1, max_output_side - max(across, down))
        within = min(1.0, room / max(width, height))
        width, height = width * within, height * within
    return max(width, 1.0), max(height, 1.0)


def _check_density(density: float, width: float, height: float) -> None:
    """A ``dpr`` below 1 that shrinks a side of a pixel or more to nothing is refused."""
    if density < 1 and min(
        round_half_up(width * density), round_half_up(height * density)
    ) < 1 <= min(round_half_up(width), round_half_up(height)):
        raise InvalidParameter(
            "dpr", f"a dpr leaving at least 1 px of the {width:g}x{height:g} box", f"{density:g}"
        )


def _with_aspect(
    ar: tuple[float, float], width: float | None, height: float | None, source: Box
) -> tuple[float | None, float | None]:
    """Complete a box from ``ar``; both sides given win over it (imgix)."""
    ratio = ar[0] / ar[1]
    if width is not None and height is not None:
        return width, height
    if width is not None:
        return width, width / ratio
    if height is not None:
        return height * ratio, height
    if source.width / source.height > ratio:
        return source.height * ratio, source.height
    return source.width, source.width / ratio


def _limit(length: float, least: int | None, most: int | None, density: float) -> float:
    if least is not None:
        length = max(length, least * density)
    if most is not None:
        length = min(length, most * density)
    return length


def _resized(geometry: Geometry, source: Box, box: tuple[float, float]) -> tuple[int, int]:
    """The scaled size of the whole source for the fit modes that do not crop."""
    if geometry.fit is Fit.SCALE:
        return px(box[0]), px(box[1])
    factors = (box[0] / source.width, box[1] / source.height)
    factor = max(factors) if geometry.cover else min(factors)
    if geometry.fit in _NO_UPSCALE:
        factor = min(factor, 1.0)
    return px(source.width * factor), px(source.height * factor)


def _crop(geometry: Geometry, source: Box, box: tuple[float, float]) -> tuple[Box, tuple[int, int]]:
    """The region a crop shows and its output size (fit=crop, fit=min)."""
    zoom = geometry.focal.z if Crop.FOCALPOINT in geometry.crop else 1.0
    factor = max(box[0] / source.width, box[1] / source.height) * max(zoom, 1.0)
    width = min(box[0] / factor, source.width)
    height = min(box[1] / factor, source.height)
    region = _place(geometry, source, width, height)
    if geometry.fit is Fit.MIN and factor > 1.0:
        return region, (px(width), px(height))
    return region, (px(box[0]), px(box[1]))


def _place(geometry: Geometry, source: Box, width: float, height: float) -> Box:
    """Position a ``width`` x ``height`` region inside ``source`` per ``crop``/focal point."""
    crop = geometry.crop
    if geometry.focus is not None:
        left = geometry.focus[0] - width / 2
        top = geometry.focus[1] - height / 2
    elif Crop.FOCALPOINT in crop:
        left = source.left + geometry.focal.x * source.width - width / 2
        top = source.top + geometry.focal.y * source.height - height / 2
    else:
        left = source.left + (source.width - width) * _pull(crop, Crop.LEFT, Crop.RIGHT)
        top = source.top + (source.height - height) * _pull(crop, Crop.TOP, Crop.BOTTOM)
    left = _clamp(left, source.left, source.left + source.width - width)
    top = _clamp(top, source.top, source.top + source.height - height)
    return Box(left, top, width, height)


def _pull(crop: frozenset[Crop], start: Crop, end: Crop) -> float:
    """0 at the start edge, 0.5 centred (neither or both given), 1 at the end edge."""
    return 0.5 + 0.5 * ((end in crop) - (start in crop))


def _smaller(region: Box, source: Box) -> bool:
    return region.width < source.width or region.height < source.height


def _interest(geometry: Geometry) -> Interest | None:
    if (
        geometry.fit not in CROPPING_FITS
        or Crop.FOCALPOINT in geometry.crop
        or geometry.focus is not None
    ):
        return None
    if Crop.ENTROPY in geometry.crop:
        return Interest.ENTROPY
    if Crop.EDGES in geometry.crop:
        return Interest.ATTENTION
    return None


def _pad(geometry: Geometry) -> Pad:
    if geometry.fit is Fit.CLAMP:
        return Pad.CLAMP
    return Pad.BLUR if geometry.fill is FillMode.BLUR else Pad.SOLID


def _check_size(
    canvas: tuple[int, int],
    margin: tuple[int, int, int, int],
    max_output_side: int,
    max_output_pixels: int | None,
) -> None:
    width = canvas[0] + margin[1] + margin[3]
    height = canvas[1] + margin[0] + margin[2]
    if max(width, height) > max_output_side:
        raise OutputTooLarge(
            f"the output would be {width}x{height} pixels; each side may be at most "
            f"{max_output_side} (lower w, h or dpr)",
            width=width,
            height=height,
            max_output_side=max_output_side,
        )
    if max_output_pixels is not None and width * height > max_output_pixels:
        raise OutputTooLarge(
            f"the output would be {width}x{height} = {width * height} pixels; the limit is "
            f"{max_output_pixels} (lower w, h or dpr)",
            width=width,
            height=height,
            max_output_pixels=max_output_pixels,
        )
