"""What the overlay steps share: decoding another image to a box, placing a layer along
an axis, drawing layers over the output.

Box fits follow the output ``fit`` values of the same names: ``clip`` fits within,
``max`` too but never enlarges, ``scale`` stretches to the box, ``crop`` covers it and
cuts the excess towards the crop sides, ``fill`` fits within and pads with transparency,
``clamp`` fits within and repeats the edge pixels. A box with one side given scales the
layer to that side.
"""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.imaging.colours import with_alpha
from enlarger.imaging.probe import probe
from enlarger.imaging.steps.colour import to_working_space
from enlarger.imaging.thumbnail import thumbnail
from enlarger.spec.model import Color, Extent, LayerFit, MarkPlacement

_SHARE = {MarkPlacement.START: 0.0, MarkPlacement.CENTER: 0.5, MarkPlacement.END: 1.0}
#: the gap between copies when fewer than two fit along a side (thumbor's).
_NARROW_GAP = 10

Box = tuple[int | None, int | None]


def decode(data: bytes, size: tuple[int, int] | None = None) -> Any:
    """``data`` decoded upright in 8-bit sRGB with alpha, at ``size`` (None: its own)."""
    facts = probe(data)
    width, height = size or (facts.oriented_width, facts.oriented_height)
    decoded = thumbnail(data, facts, max(1, width), max(1, height))
    return with_alpha(to_working_space(decoded, keep_profile=False, colour=True))


def own_size(data: bytes) -> tuple[int, int]:
    facts = probe(data)
    return facts.oriented_width, facts.oriented_height


def box_of(w: Extent | None, h: Extent | None, output: tuple[int, int]) -> Box:
    """A layer's box in pixels: each side given in pixels or as a share of the output's."""
    width = None if w is None else max(1, round(w.resolve(output[0])))
    height = None if h is None else max(1, round(h.resolve(output[1])))
    return width, height


def decode_in_box(
    data: bytes,
    box: Box,
    fit: LayerFit,
    crop: tuple[MarkPlacement, MarkPlacement] = (MarkPlacement.CENTER, MarkPlacement.CENTER),
) -> Any:
    """``data`` decoded and fitted to ``box`` by ``fit`` (see the module's docstring)."""
    own_w, own_h = own_size(data)
    box_w, box_h = box
    if box_w is None and box_h is None:
        return decode(data)
    if box_w is None or box_h is None:
        scale = box_w / own_w if box_w is not None else box_h / own_h  # type: ignore[operator]
        scale = min(scale, 1.0) if fit is LayerFit.MAX else scale
        return decode(data, (round(own_w * scale), round(own_h * scale)))
    if fit is LayerFit.SCALE:
        return decode(data, (box_w, box_h))
    within = min(box_w / own_w, box_h / own_h)
    if fit is LayerFit.CROP:
        cover = max(box_w / own_w, box_h / own_h)
        image = decode(data, (max(box_w, round(own_w * cover)), max(box_h, round(own_h * cover))))
        left = round((image.width - box_w) * _SHARE[crop[0]])
        top = round((image.height - box_h) * _SHARE[crop[1]])
        return image.crop(left, top, box_w, box_h)
    if fit is LayerFit.MAX:
        within = min(within, 1.0)
    image = decode(data, (round(own_w * within), round(own_h * within)))
    if fit in (LayerFit.FILL, LayerFit.CLAMP):
        extend = "copy" if fit is LayerFit.CLAMP else "background"
        left, top = (box_w - image.width) // 2, (box_h - image.height) // 2
        return image.embed(left, top, box_w, box_h, extend=extend, background=[0, 0, 0, 0])
    return image


def positions(place: MarkPlacement, offset: Extent, length: int, size: int) -> list[int]:
    """Where copies of a layer ``size`` px long start along a side ``length`` px long:
    ``offset`` from the start or end edge, centred, or tiled (the spare space spread
    between the copies, as thumbor does)."""
    if place is MarkPlacement.CENTER:
        return [(length - size) // 2]
    if place is MarkPlacement.TILE:
        count, spare = divmod(length, size)
        if length / size < 2:
            count, spare = -(-length // size), _NARROW_GAP
        return spread(length, size, count, spare)
    shift = round(offset.value * length + 1e-5) if offset.relative else int(offset.value)
    return [length - size - shift if place is MarkPlacement.END else shift]


def spread(length: int, size: int, count: int, spare: int | None = None) -> list[int]:
    """``count`` copies with the ``spare`` pixels (by default what they leave) between."""
    spare = length - count * size if spare is None else spare
    gap = spare // (max(count, 2) - 1)
    return [index * (gap + size) for index in range(count)]


def as_colour(image: Any) -> Any:
    """``image`` with colour bands (a greyscale image becomes sRGB)."""
    return image if image.bands >= 3 else image.colourspace("srgb")


def draw_over(image: Any, layer: Any, spots: list[tuple[int, int]], mode: str = "over") -> Any:
    """``layer`` (sRGB with alpha) over ``image`` at each spot; ``image`` keeps its alpha,
    or has none again (a greyscale one becomes sRGB)."""
    base = as_colour(image)
    opaque = not base.hasalpha()
    base = with_alpha(base)
    drawn = base.composite(
        [layer] * len(spots),
        [mode] * len(spots),
        x=[x for x, _ in spots],
        y=[y for _, y in spots],
    ).cast("uchar")
    return drawn.extract_band(0, n=3) if opaque else drawn


def scale_alpha(layer: Any, opacity: float) -> Any:
    """``layer`` (colour + alpha) with its alpha times ``opacity``."""
    if opacity >= 1:
        return layer
    alpha = (layer.extract_band(layer.bands - 1) * opacity).cast("uchar")
    return layer.extract_band(0, n=layer.bands - 1).bandjoin(alpha)


def painted(coverage: Any, colour: Color) -> Any:
    """``colour`` wherever ``coverage`` (one uchar band) is, as 8-bit sRGB + alpha."""
    alpha = (coverage * (colour.a / 255)).cast("uchar")
    black = pyvips.Image.black(coverage.width, coverage.height, bands=3)
    rgb = black.linear([1, 1, 1], [colour.r, colour.g, colour.b]).cast("uchar")
    return rgb.bandjoin(alpha).copy(interpretation="srgb")
