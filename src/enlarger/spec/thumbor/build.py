"""A ``ThumborUrl`` -> ``Draft``: thumbor 7's sizing rules as ``RenderSpec`` fields.

* **Size.** ``WxH`` in pixels; 0 or a missing side is proportional to the other, both
  missing is the source's size, ``orig`` is the source's side.
* **Crop (no fit-in)**: the image covers WxH and the rest is cut (``Fit.CROP``), centred
  unless ``left|right`` / ``top|bottom`` say otherwise or ``smart`` asks for the faces
  (centred on all of them) or, with none found, the most interesting part (libvips
  attention); it is enlarged when WxH is larger, as thumbor
  does; ``stretch()`` distorts to WxH instead (``Fit.SCALE``).
* **fit-in**: fitted within WxH, never enlarged (``Fit.MAX``) unless ``upscale()``;
  ``adaptive-`` swaps W and H when the source's orientation is the other one.
  ``full-fit-in`` scales the whole image, up or down, to cover WxH (the larger factor,
  ``geometry.cover``): nothing is cut and the output may exceed WxH, as in thumbor.
* **Flips**: ``-W`` mirrors left-right, ``-H`` top-bottom. thumbor flips after cropping,
  Enlarger's flip comes first, so the alignments are mirrored to show the same part.
* **Manual crop** ``AxB:CxD``: left, top, right, bottom in pixels of the upright
  source, cut first; an empty one (right <= left or bottom <= top) is ignored, as in
  thumbor.
* **Trim** ``trim[:top-left|bottom-right][:tolerance]``: the borders of that corner's
  colour are cut first (``geometry.trim``, found by the imaging analyser); a manual
  crop is then within what is left.
* **Output**: the source's format unless ``format()``; quality 80 (thumbor's default).
* EXIF orientation is applied (thumbor's ``RESPECT_ORIENTATION = True``).
"""

from __future__ import annotations

import dataclasses

from enlarger.errors import ClientError, InvalidParameter
from enlarger.spec.model import (
    Crop,
    Extent,
    Fit,
    Flip,
    Geometry,
    Orientation,
    Output,
    Rect,
    RenderSpec,
    Trim,
    TrimMode,
    TrimSample,
)
from enlarger.spec.thumbor.draft import Draft
from enlarger.spec.thumbor.filters import apply_filters
from enlarger.spec.thumbor.grammar import Side, ThumborUrl

DEFAULT_QUALITY = 80
_ALIGN = {
    "left": Crop.LEFT,
    "right": Crop.RIGHT,
    "top": Crop.TOP,
    "bottom": Crop.BOTTOM,
}
_MIRROR = {
    Crop.LEFT: Crop.RIGHT,
    Crop.RIGHT: Crop.LEFT,
    Crop.TOP: Crop.BOTTOM,
    Crop.BOTTOM: Crop.TOP,
}


def build(url: ThumborUrl) -> Draft:
    """The render ``url`` asks for (400 for the parts Enlarger does not support yet)."""
    _refuse_unsupported(url)
    geometry = Geometry(
        w=_extent(url.width),
        h=_extent(url.height),
        rect=_rect(url.crop),
        fit=_fit(url),
        crop=_crop(url),
        adaptive=url.adaptive,
        cover=url.full,
        trim=_trim(url.trim),
    )
    spec = RenderSpec(geometry=geometry, output=Output(q=DEFAULT_QUALITY))
    spec = _with_flip(spec, url)
    return apply_filters(Draft(spec, meta=url.meta), url.filters)


def _refuse_unsupported(url: ThumborUrl) -> None:
    if url.trim is not None and (url.flip_h or url.flip_v):
        raise ClientError("trim with a negative size (a flip) is not supported yet")
    if url.debug:
        raise ClientError("debug is not supported")
    if url.crop is not None and (url.flip_h or url.flip_v):
        raise ClientError("a manual crop with a negative size (a flip) is not supported yet")


def _trim(part: str | None) -> Trim | None:
    """``trim[:top-left|bottom-right][:tolerance]`` (the grammar checked its form)."""
    if part is None:
        return None
    words = part.split(":")[1:]
    sample = TrimSample(words.pop(0)) if words and not words[0].isdigit() else TrimSample.TOP_LEFT
    tolerance = int(words[0]) if words else 0
    if tolerance > 255:
        raise InvalidParameter("trim tolerance", "0 to 255", str(tolerance))
    return Trim(TrimMode.COLOR, tolerance=tolerance, sample=sample)


def _fit(url: ThumborUrl) -> Fit:
    """Crop by default; fit-in never enlarges; full-fit-in scales both ways to cover."""
    if url.full:
        return Fit.CLIP
    return Fit.MAX if url.fit_in else Fit.CROP


def _extent(side: Side) -> Extent | None:
    if side is None:
        return None
    if side == "orig":
        return Extent(1.0, relative=True)
    assert isinstance(side, int)
    return Extent(side)


def _rect(crop: tuple[int, int, int, int] | None) -> Rect | None:
    if crop is None:
        return None
    left, top, right, bottom = crop
    if right <= left or bottom <= top:
        return None
    return Rect(Extent(left), Extent(top), Extent(right - left), Extent(bottom - top))


def _crop(url: ThumborUrl) -> frozenset[Crop]:
    crop = {_ALIGN[word] for word in (url.halign, url.valign) if word in _ALIGN}
    mirrored = {Crop.LEFT, Crop.RIGHT} if url.flip_h else set()
    mirrored |= {Crop.TOP, Crop.BOTTOM} if url.flip_v else set()
    crop = {_MIRROR[c] if c in mirrored else c for c in crop}
    if url.smart:  # thumbor's detectors: faces first, then the most interesting part
        crop |= {Crop.FACES, Crop.EDGES}
    return frozenset(crop)


def _with_flip(spec: RenderSpec, url: ThumborUrl) -> RenderSpec:
    flip = {(True, False): Flip.H, (False, True): Flip.V, (True, True): Flip.HV}
    chosen = flip.get((url.flip_h, url.flip_v))
    if chosen is None:
        return spec
    return dataclasses.replace(spec, orientation=Orientation(flip=chosen))
