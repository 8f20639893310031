"""``auto=enhance``: an automatic levels and colour correction.

imgix describes ``auto=enhance`` as adjusting brightness, contrast and saturation to the
image, without a formula. Here: the luminance's 0.5th and 99.5th percentiles are
stretched to black and white (the gain capped at 2.5 so that near-flat images are not
blown up: those are stretched about their middle), then chroma is raised by 10 % (LCh).
Alpha is left alone.
"""

from __future__ import annotations

from typing import Any

from enlarger.imaging.state import Run
from enlarger.imaging.steps.tone import colour_bands
from enlarger.spec.model import Auto

_CLIP_PERCENT = 0.5
_MAX_GAIN = 2.5
_CHROMA = 1.1


def enhance(run: Run) -> Run:
    if Auto.ENHANCE not in run.spec.output.auto:
        return run
    return run.with_image(colour_bands(run.image, _enhanced))


def _enhanced(bands: Any) -> Any:
    grey = bands.colourspace("b-w") if bands.bands >= 3 else bands
    low = grey.percent(_CLIP_PERCENT)
    high = grey.percent(100 - _CLIP_PERCENT)
    gain = max(1.0, min(_MAX_GAIN, 255 / max(high - low, 1)))
    # about the range's middle: low -> 0 and high -> 255, or equal margins when capped
    offset = 127.5 - gain * (low + high) / 2
    stretched = bands.linear(gain, offset).cast("uchar")
    if bands.bands < 3:
        return stretched
    lch = stretched.colourspace("lch")
    return lch.linear([1, _CHROMA, 1], [0, 0, 0]).colourspace("srgb")
