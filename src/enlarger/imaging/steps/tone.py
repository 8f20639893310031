"""Tone steps: grayscale, brightness/contrast/saturation, per-channel shifts, equalize.

Arithmetic on 8-bit values as thumbor's filters do it: brightness and the RGB shifts
add a share of 255, contrast scales about mid-grey with the classic
``259 (c + 255) / (255 (259 - c))`` factor, saturation scales chroma (LCh). Alpha is
left alone. Each returns at once when its field is unset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from enlarger.imaging.state import Run

_FULL = 255.0


def grayscale(run: Run) -> Run:
    if not run.spec.effects.grayscale:
        return run
    return run.with_image(colour_bands(run.image, lambda bands: bands.colourspace("b-w")))


def adjust(run: Run) -> Run:
    change = run.spec.effects.adjust
    if change is None:
        return run

    def apply(bands: Any) -> Any:
        if change.saturation != 1.0 and bands.bands >= 3:
            lch = bands.colourspace("lch")
            bands = lch.linear([1, change.saturation, 1], [0, 0, 0]).colourspace("srgb")
        shift = change.brightness * _FULL / 100
        contrast = change.contrast * _FULL / 100
        factor = 259 * (contrast + _FULL) / (_FULL * (259 - contrast))
        return bands.linear(factor, 128 - 128 * factor + shift)

    return run.with_image(colour_bands(run.image, apply))


def rgb_shift(run: Run) -> Run:
    shift = run.spec.effects.rgb_shift
    if shift is None:
        return run
    offsets = [shift.red * _FULL / 100, shift.green * _FULL / 100, shift.blue * _FULL / 100]

    def apply(bands: Any) -> Any:
        if bands.bands < 3:
            bands = bands.colourspace("srgb")
        return bands.linear([1, 1, 1], offsets)

    return run.with_image(colour_bands(run.image, apply))


def equalize(run: Run) -> Run:
    if not run.spec.effects.equalize:
        return run
    return run.with_image(colour_bands(run.image, lambda bands: bands.hist_equal()))


def colour_bands(image: Any, change: Callable[[Any], Any]) -> Any:
    """``change`` applied to the colour bands, clipped to 8 bits (libvips' cast clips);
    alpha joined back."""
    if not image.hasalpha():
        return change(image).cast("uchar")
    colour = image.extract_band(0, n=image.bands - 1)
    return change(colour).cast("uchar").bandjoin(image.extract_band(image.bands - 1))
