"""Detail steps: Gaussian blur, unsharp-mask sharpening, convolution and seeded noise.

Each returns at once when its field is unset. Noise is seeded from the image's size so
one URL always renders the same bytes (its ETag promises that).
"""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.imaging.state import Run
from enlarger.imaging.steps.tone import colour_bands

#: noise amount 100 is a standard deviation of this many 8-bit levels.
_NOISE_AT_100 = 64.0


def blur(run: Run) -> Run:
    sigma = run.spec.effects.blur_sigma
    if sigma is None:
        return run
    return run.with_image(run.image.gaussblur(sigma).cast(run.image.format))


def sharpen(run: Run) -> Run:
    mask = run.spec.effects.sharpen
    if mask is None:
        return run

    def apply(bands: Any) -> Any:
        if not mask.luminance_only or bands.bands < 3:
            return _unsharp(bands, mask.amount, mask.radius)
        lab = bands.colourspace("lab")
        lightness = _unsharp(lab.extract_band(0), mask.amount, mask.radius)
        return lightness.bandjoin(lab.extract_band(1, n=2)).colourspace("srgb")

    return run.with_image(colour_bands(run.image, apply))


def convolve(run: Run) -> Run:
    kernel = run.spec.effects.convolution
    if kernel is None:
        return run
    weights, columns = kernel.weights, kernel.columns
    rows = [list(weights[start : start + columns]) for start in range(0, len(weights), columns)]
    total = sum(weights)
    mask = pyvips.Image.new_from_array(rows, scale=total if kernel.normalize and total else 1)
    return run.with_image(colour_bands(run.image, lambda bands: bands.conv(mask)))


def noise(run: Run) -> Run:
    amount = run.spec.effects.noise
    if amount is None:
        return run
    image = run.image
    sigma = amount / 100 * _NOISE_AT_100
    seed = image.width * 65_537 + image.height

    def apply(bands: Any) -> Any:
        grain = pyvips.Image.gaussnoise(image.width, image.height, sigma=sigma, mean=0, seed=seed)
        return bands + grain

    return run.with_image(colour_bands(image, apply))


def _unsharp(image: Any, amount: float, radius: float) -> Any:
    if radius <= 0:
        return image
    blurred = image.gaussblur(radius)
    return image + (image - blurred) * amount
