"""URL colours (sRGB 0-255 with alpha) as pixel values for a working image's bands."""

from __future__ import annotations

from typing import Any

from enlarger.spec.model import Color


def is_grey(colour: Color) -> bool:
    return colour.r == colour.g == colour.b


def pixel(colour: Color, image: Any) -> list[float]:
    """``colour`` as band values of ``image`` (8-bit sRGB or greyscale, with or without alpha).

    A greyscale image gets the colour's luma (Rec. 601); the load step turns greyscale
    sources into colour whenever a colour that is not a grey will be painted on them.
    """
    if image.bands in (1, 2):
        values = [0.299 * colour.r + 0.587 * colour.g + 0.114 * colour.b]
    else:
        values = [float(colour.r), float(colour.g), float(colour.b)]
    if image.hasalpha():
        values.append(float(colour.a))
    return values


def with_alpha(image: Any) -> Any:
    """``image`` with an opaque alpha band added when it has none."""
    return image if image.hasalpha() else image.bandjoin_const([255])
