"""Stylize steps: sepia, monochrome, duotone, pixellate and halftone (imgix).

Each returns at once when its field is unset. Greyscale images become sRGB where a
colour is painted; alpha is left alone.
"""

from __future__ import annotations

import math
from typing import Any

import pyvips

from enlarger.imaging.state import Run
from enlarger.imaging.steps.resize import resize_to
from enlarger.imaging.steps.tone import colour_bands
from enlarger.spec.model import Color

#: the classic sepia matrix (rows: output R, G, B from input R, G, B).
_SEPIA = ((0.393, 0.769, 0.189), (0.349, 0.686, 0.168), (0.272, 0.534, 0.131))
_IDENTITY = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
#: halftone cells are this many pixels wide at htn=0, one more per 10.
_HALFTONE_CELL = 3


def sepia(run: Run) -> Run:
    amount = run.spec.effects.sepia
    if amount is None:
        return run
    share = amount / 100
    matrix = [
        [(1 - share) * keep + share * tint for keep, tint in zip(row, sepia_row, strict=True)]
        for row, sepia_row in zip(_IDENTITY, _SEPIA, strict=True)
    ]
    return run.with_image(colour_bands(run.image, lambda bands: _rgb(bands).recomb(matrix)))


def monochrome(run: Run) -> Run:
    """Luminance tinted by the colour (multiplied), its alpha the strength of the tint."""
    colour = run.spec.effects.monochrome
    if colour is None:
        return run

    def apply(bands: Any) -> Any:
        luma = _luma(bands)
        tinted = luma.bandjoin([luma, luma]) * [c / 255 for c in _rgb_of(colour)]
        share = colour.a / 255
        return tinted * share + _rgb(bands) * (1 - share) if share < 1 else tinted

    return run.with_image(colour_bands(run.image, apply))


def duotone(run: Run) -> Run:
    """Shadows to the first colour, highlights to the second, ``alpha`` % over the image."""
    tones = run.spec.effects.duotone
    if tones is None:
        return run
    dark, light = _rgb_of(tones.dark), _rgb_of(tones.light)
    share = tones.alpha / 100

    def apply(bands: Any) -> Any:
        level = _luma(bands) / 255
        mapped = level * [b - a for a, b in zip(dark, light, strict=True)] + dark
        return mapped * share + _rgb(bands) * (1 - share)

    return run.with_image(colour_bands(run.image, apply))


def pixelate(run: Run) -> Run:
    """Blocks ``pixelate`` pixels wide, each the average of what it covers."""
    block = run.spec.effects.pixelate
    if block is None:
        return run
    image = run.image
    small = resize_to(image, math.ceil(image.width / block), math.ceil(image.height / block))
    return run.with_image(small.zoom(block, block).crop(0, 0, image.width, image.height))


def halftone(run: Run) -> Run:
    """Each band screened into dots on a square grid, each dot's area its cell's level."""
    amount = run.spec.effects.halftone
    if amount is None:
        return run
    image = run.image
    cell = _HALFTONE_CELL + round(amount / 10)
    width, height = image.width, image.height
    levels = resize_to(image, math.ceil(width / cell), math.ceil(height / cell))
    levels = levels.zoom(cell, cell).crop(0, 0, width, height)
    centre = (cell - 1) / 2
    xy = pyvips.Image.xyz(width, height)
    offset = (xy % cell) - centre
    distance = (offset[0] * offset[0] + offset[1] * offset[1]) / (2 * centre * centre + 1)

    def apply(bands: Any) -> Any:
        ink = 1 - bands / 255  # darker cells: bigger dots
        return (distance < ink).ifthenelse(0, 255)

    return run.with_image(colour_bands(levels, apply))


def _rgb(bands: Any) -> Any:
    return bands if bands.bands >= 3 else bands.colourspace("srgb")


def _luma(bands: Any) -> Any:
    if bands.bands < 3:
        return bands.cast("float")
    red, green, blue = bands.bandsplit()
    return red * 0.299 + green * 0.587 + blue * 0.114


def _rgb_of(colour: Color) -> list[float]:
    return [float(colour.r), float(colour.g), float(colour.b)]
