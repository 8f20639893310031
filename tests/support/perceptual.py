"""Perceptual comparison for the visual regression suite: a 64-bit DCT perceptual hash
(pHash) compared by Hamming distance, and the CIEDE2000 colour difference per pixel.

Both sides are first made comparable: opaque sRGB, transparency shown over a grey
checkerboard (so a wrongly transparent or opaque area changes the picture, not nothing).
The hash sees structure (a wrong crop, a missing border, a flipped photo) and ignores
encoder noise; CIEDE2000 sees what the hash cannot (a tint, a brightness step).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pyvips

Floats = npt.NDArray[np.float64]

#: side of the checkerboard squares transparency is shown over, and their two greys.
CHECKER_SIDE = 8
CHECKER_GREYS = (102, 153)
#: the hash reads the lowest 8 x 8 frequencies of a 32 x 32 grey copy.
_HASH_INPUT = 32
_HASH_SIDE = 8


def comparable(image: Any) -> Any:
    """``image`` as 3-band 8-bit sRGB, any alpha flattened over the checkerboard."""
    if image.interpretation not in ("srgb", "b-w", "rgb") or image.format != "uchar":
        image = image.colourspace("srgb").cast("uchar")
    if image.bands in (2, 4):
        checker = _checkerboard(image.width, image.height)
        alpha = image[image.bands - 1] / 255.0
        colour = image.extract_band(0, n=image.bands - 1)
        image = (colour * alpha + checker * (1 - alpha)).cast("uchar")
    if image.bands == 1:
        image = image.bandjoin([image, image])
    return image.copy(interpretation="srgb")


def _checkerboard(width: int, height: int) -> Any:
    xy = pyvips.Image.xyz(width, height) // CHECKER_SIDE
    odd = ((xy[0] + xy[1]) % 2) == 1
    dark, light = CHECKER_GREYS
    return odd.ifthenelse(light, dark)


def phash(image: Any) -> int:
    """64-bit perceptual hash: DCT of a 32 x 32 grey copy, its 8 x 8 lowest frequencies
    (the DC term excluded from the threshold) against their median."""
    grey = comparable(image).colourspace("b-w")[0]
    small = grey.thumbnail_image(_HASH_INPUT, height=_HASH_INPUT, size="force")
    pixels = small.numpy().astype(np.float64)
    basis = _dct_basis(_HASH_INPUT)
    low = (basis @ pixels @ basis.T)[:_HASH_SIDE, :_HASH_SIDE].flatten()
    median = float(np.median(low[1:]))
    return sum(1 << bit for bit, value in enumerate(low) if value > median)


def _dct_basis(n: int) -> Floats:
    """The orthonormal DCT-II matrix: ``basis @ x`` is the DCT of column vector ``x``."""
    k, i = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    basis = np.cos(math.pi * (2 * i + 1) * k / (2 * n)) * math.sqrt(2 / n)
    basis[0] /= math.sqrt(2)
    return basis


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def lab(image: Any) -> Floats:
    """CIE L*a*b* (D65) of each pixel, shape (height, width, 3)."""
    converted = comparable(image).colourspace("lab")
    return np.asarray(converted.numpy(), dtype=np.float64)


def ciede2000(lab1: Floats, lab2: Floats) -> Floats:
    """CIEDE2000 colour difference of each pair of L*a*b* colours (kL = kC = kH = 1),
    after Sharma, Wu and Dalal (2005); inputs of shape (..., 3)."""
    l1, a1, b1 = np.moveaxis(lab1, -1, 0)
    l2, a2, b2 = np.moveaxis(lab2, -1, 0)
    chroma_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(chroma_mean**7 / (chroma_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    chromatic = (c1p * c2p) != 0

    dl = l2 - l1
    dc = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chromatic, dh, 0)
    d_hue = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)

    l_mean = (l1 + l2) / 2
    c_mean = (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(
        np.abs(h1p - h2p) <= 180,
        h_sum / 2,
        np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2),
    )
    h_mean = np.where(chromatic, h_mean, h_sum)
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    d_theta = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    terms = (dl / s_l) ** 2 + (dc / s_c) ** 2 + (d_hue / s_h) ** 2
    result: Floats = np.sqrt(terms + r_t * (dc / s_c) * (d_hue / s_h))
    return result


def difference_image(actual: Any, expected: Any) -> Any:
    """Where the two differ: each pixel's CIEDE2000 distance times 10 (so 25.5 and more
    is white), in red over a dimmed grey copy of ``expected``."""
    distance = ciede2000(lab(actual), lab(expected))
    heat = np.clip(distance * 10, 0, 255).astype(np.uint8)
    backdrop = (comparable(expected).colourspace("b-w")[0].numpy() // 3).astype(np.uint8)
    red = np.maximum(heat, backdrop)
    rgb = np.dstack([red, backdrop, backdrop])
    return pyvips.Image.new_from_array(rgb, interpretation="srgb")
