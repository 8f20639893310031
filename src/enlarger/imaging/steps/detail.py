"""Detail steps: Gaussian blur, noise reduction, unsharp-mask sharpening, convolution
and seeded noise.

Noise reduction (imgix ``nr``/``nrs``) replaces each pixel by its smoothed value where
the two differ by less than the bound (noise) and keeps it where they differ more
(edges), then adds back ``nrs`` percent of the remaining detail. Each returns at once
when its field is unset. Noise is seeded from the image's size so
one URL always renders the same bytes (its ETag promises that).
"""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.imaging.state import Run
from enlarger.imaging.steps.tone import colour_bands
from enlarger.spec.model import Sharpen

#: noise amount 100 is a standard deviation of this many 8-bit levels.
_NOISE_AT_100 = 64.0
#: ``nr`` 100 smooths differences up to this many 8-bit levels.
_DENOISE_AT_100 = 40.0
_DENOISE_SIGMA = 1.2
#: ``nrs`` 100 adds the smoothed image's detail back this many times.
_DENOISE_SHARPEN_AT_100 = 1.0


def blur(run: Run) -> Run:
    sigma = run.spec.effects.blur_sigma
    if sigma is None:
        return run
    return run.with_image(run.image.gaussblur(sigma).cast(run.image.format))


def denoise(run: Run) -> Run:
    change = run.spec.effects.denoise
    if change is None:
        return run
    bound = max(change.bound, 0) / 100 * _DENOISE_AT_100

    def apply(bands: Any) -> Any:
        if bound > 0:
            smooth = bands.gaussblur(_DENOISE_SIGMA)
            bands = ((bands - smooth).abs() < bound).ifthenelse(smooth, bands)
        amount = change.sharpen / 100 * _DENOISE_SHARPEN_AT_100
        return _unsharp(bands, amount, _DENOISE_SIGMA) if amount else bands

    return run.with_image(colour_bands(run.image, apply))


def sharpen(run: Run) -> Run:
    mask = run.spec.effects.sharpen
    return run if mask is None else _sharpened(run, mask)


def unsharp(run: Run) -> Run:
    mask = run.spec.effects.unsharp
    return run if mask is None else _sharpened(run, mask)


def _sharpened(run: Run, mask: Sharpen) -> Run:
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
