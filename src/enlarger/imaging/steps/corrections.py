"""imgix's light and colour corrections (``exp``, ``gam``, ``high``, ``shad``, ``hue``,
``vib``) and ``invert``.

The four light controls are one 256-entry curve applied with ``maplut`` (one pass over
the pixels, whatever their number): exposure scales (100 is two stops), gamma bends the
midtones (100 brightens them as a 0.5 exponent), shadows lift the dark end and
highlights (negative) pull down the bright end, black and white staying put. Hue turns
and vibrance raise chroma in LCh, vibrance most where the colour is dull. Alpha is left
alone; each step returns at once when its field is unset.
"""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.imaging.state import Run
from enlarger.imaging.steps.tone import colour_bands
from enlarger.spec.model import Tone

#: a chroma this high counts as fully saturated for vibrance (LCh chroma of sRGB red ~105).
_FULL_CHROMA = 110.0


def tone(run: Run) -> Run:
    change = run.spec.effects.tone
    if change is None:
        return run

    def apply(bands: Any) -> Any:
        if _bends_light(change):
            bands = bands.maplut(light_curve(change))
        if (change.hue or change.vibrance) and bands.bands >= 3:
            bands = _hue_and_vibrance(bands, change.hue, change.vibrance / 100)
        return bands

    return run.with_image(colour_bands(run.image, apply))


def invert(run: Run) -> Run:
    if not run.spec.effects.invert:
        return run
    return run.with_image(colour_bands(run.image, lambda bands: bands.invert()))


def light_curve(change: Tone) -> Any:
    """The 256-entry uchar curve of exposure, gamma, shadows and highlights."""
    x = pyvips.Image.identity() / 255.0
    x = _at_most_1(x * 2 ** (change.exposure / 50)) if change.exposure else x
    if change.gamma:
        x = x ** (2 ** (-change.gamma / 100))
    if change.shadow:
        x = x + (1 - x) * (1 - x) * x * (1.5 * change.shadow / 100)
    if change.highlight:
        x = x + x * x * (1 - x) * (1.5 * change.highlight / 100)
    return (x * 255).cast("uchar")


def _at_most_1(image: Any) -> Any:
    return (image > 1).ifthenelse(1.0, image)


def _bends_light(change: Tone) -> bool:
    return any((change.exposure, change.gamma, change.shadow, change.highlight))


def _hue_and_vibrance(bands: Any, hue: float, vibrance: float) -> Any:
    lightness, chroma, angle = bands.colourspace("lch").bandsplit()
    if vibrance:
        dullness = 1 - _at_most_1(chroma / _FULL_CHROMA)
        chroma = chroma * (1 + vibrance * dullness)
    return lightness.bandjoin([chroma, angle + hue]).copy(interpretation="lch").colourspace("srgb")
