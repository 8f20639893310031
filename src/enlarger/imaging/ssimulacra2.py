"""SSIMULACRA2 on libvips operations: the perceptual score the lossy search aims at.

The same computation as the reference (libjxl's ``ssimulacra2``, and the pure-Python
``ssimulacra2`` package): sRGB -> linear -> XYB, at 6 scales (2x2 box averages in linear
light), a Gaussian blur (sigma 1.5, 11 taps) for the local means and variances, then an
SSIM map and two edge maps (ringing, blurring) per channel, each averaged as a 1-norm and a
4-norm, weighted into one score: 100 is identical, 90 visually lossless, 70 high quality.
It is 10-40x faster than the NumPy reference because libvips runs each scale in one
threaded pass; both inputs are 8-bit sRGB-coded pixels (alpha ignored, like the reference).
The reference blurs with the image's sides padded with zeros and its top and bottom
mirrored; so does ``_blur``, because at the coarsest scales those edges weigh in the score.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import pyvips

SCALES = 6
_SIGMA = 1.5
_RADIUS = 5  # round(3.2795 * sigma + 0.2546), the reference's padding and kernel radius
_C2 = 0.0009
_BIAS = 0.0037930732552754493
#: linear RGB -> the three cone responses before the cube root ("opsin absorbance").
_OPSIN = [
    [0.30, 1.0 - 0.078 - 0.30, 0.078],
    [0.23, 1.0 - 0.078 - 0.23, 0.078],
    [0.24342268924547819, 0.20476744424496821, 1.0 - 0.24342268924547819 - 0.20476744424496821],
]
#: cube-rooted cone responses (less the cube root of the bias) -> positive X, Y, B-Y.
_TO_XYB = [[7.0, -7.0, 0.0], [0.5, 0.5, 0.0], [-0.5, -0.5, 1.0]]
_XYB_OFFSET = [0.42, 0.01, 0.55]
#: 108 weights in the reference's order: channel, scale, norm, then (ssim, ringing, blurring).
_WEIGHTS = (
    0.0,
    0.0007376606707406586,
    0.0,
    0.0,
    0.0007793481682867309,
    0.0,
    0.0,
    0.0004371155730107379,
    0.0,
    1.1041726426657346,
    0.00066284834129271,
    0.00015231632783718752,
    0.0,
    0.0016406437456599754,
    0.0,
    1.8422455520539298,
    11.441172603757666,
    0.0,
    0.0007989109436015163,
    0.000176816438078653,
    0.0,
    1.8787594979546387,
    10.94906990605142,
    0.0,
    0.0007289346991508072,
    0.9677937080626833,
    0.0,
    0.00014003424285435884,
    0.9981766977854967,
    0.00031949755934435053,
    0.0004550992113792063,
    0.0,
    0.0,
    0.0013648766163243398,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    7.466890328078848,
    0.0,
    17.445833984131262,
    0.0006235601634041466,
    0.0,
    0.0,
    6.683678146179332,
    0.00037724407979611296,
    1.027889937768264,
    225.20515300849274,
    0.0,
    0.0,
    19.213238186143016,
    0.0011401524586618361,
    0.001237755635509985,
    176.39317598450694,
    0.0,
    0.0,
    24.43300999870476,
    0.28520802612117757,
    0.0004485436923833408,
    0.0,
    0.0,
    0.0,
    34.77906344483772,
    44.835625328877896,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0008680556573291698,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0005313191874358747,
    0.0,
    0.00016533814161379112,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0004179171803251336,
    0.0017290828234722833,
    0.0,
    0.0020827005846636437,
    0.0,
    0.0,
    8.826982764996862,
    23.19243343998926,
    0.0,
    95.1080498811086,
    0.9863978034400682,
    0.9834382792465353,
    0.0012286405048278493,
    171.2667255897307,
    0.9807858872435379,
    0.0,
    0.0,
    0.0,
    0.0005130064588990679,
    0.0,
    0.00010854057858411537,
)


def score(reference: Any, distorted: Any) -> float:
    """SSIMULACRA2 of ``distorted`` against ``reference`` (pyvips images of the same size)."""
    if (reference.width, reference.height) != (distorted.width, distorted.height):
        raise ValueError("SSIMULACRA2 compares images of the same size")
    linear = [_linear(reference), _linear(distorted)]
    averages: list[list[float]] = []
    for scale in range(SCALES):
        if linear[0].width < 8 or linear[0].height < 8:
            break
        if scale:
            linear = [_halve(image) for image in linear]
            if linear[0].width < 8 or linear[0].height < 8:
                break
        averages.append(_scale_averages(_xyb(linear[0]), _xyb(linear[1])))
    return _final(averages)


def _linear(image: Any) -> Any:
    """8-bit sRGB-coded RGB (greyscale repeated, alpha dropped) as linear light in float."""
    if image.bands in (2, 4):
        image = image.extract_band(0, n=image.bands - 1)
    if image.bands == 1:
        image = image.bandjoin([image, image])
    return image.cast("uchar").maplut(_srgb_to_linear_lut()).copy_memory()


@functools.cache
def _srgb_to_linear_lut() -> Any:
    values = [v / 255 for v in range(256)]
    table = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return pyvips.Image.new_from_list([table]).cast("double")


def _halve(image: Any) -> Any:
    """2x2 box averages; an odd last row or column is averaged on its own (edge copied)."""
    padded = image.embed(
        0, 0, image.width + image.width % 2, image.height + image.height % 2, extend="copy"
    )
    return padded.shrink(2, 2).copy_memory()


def _xyb(linear: Any) -> Any:
    mixed = linear.recomb(pyvips.Image.new_from_list(_OPSIN)) + _BIAS
    cones = mixed.maxpair(mixed * 0) ** (1 / 3) - _BIAS ** (1 / 3)
    return (cones.recomb(pyvips.Image.new_from_list(_TO_XYB)) + _XYB_OFFSET).copy_memory()


@functools.cache
def _kernel() -> Any:
    taps = [math.exp(-(x * x) / (2 * _SIGMA * _SIGMA)) for x in range(-_RADIUS, _RADIUS + 1)]
    total = sum(taps)
    return pyvips.Image.new_from_list([[t / total for t in taps]])


def _blur(image: Any) -> Any:
    """Gaussian blur of every band, with the reference's edges: zero columns at the sides,
    mirrored rows.

    (The reference pads rows with zeros, but its XYB arrays are transposed: width first.)
    """
    pad = 2 * _RADIUS
    tall = image.embed(0, pad, image.width, image.height + 2 * pad, extend="mirror")
    wide = tall.embed(_RADIUS, 0, tall.width + 2 * _RADIUS, tall.height, extend="black")
    wide = wide.embed(_RADIUS, 0, wide.width + 2 * _RADIUS, wide.height, extend="mirror")
    blurred = wide.convsep(_kernel(), precision="float")
    return blurred.crop(pad, pad, image.width, image.height).copy_memory()


def _scale_averages(first: Any, second: Any) -> list[float]:
    """The 18 averages of one scale, per channel: (ssim, ringing, blurring) x (1-norm, 4-norm)."""
    blurred = _blur(first.bandjoin([second, first * first, second * second, first * second]))
    mu1, mu2, s11, s22, s12 = (blurred.extract_band(3 * i, n=3) for i in range(5))
    diff = mu1 - mu2
    num_m = 1.0 - diff * diff
    num_s = (s12 - mu1 * mu2) * 2.0 + _C2
    denom_s = (s11 - mu1 * mu1) + (s22 - mu2 * mu2) + _C2
    ssim = 1.0 - num_m * num_s / denom_s
    ssim = ssim.maxpair(ssim * 0)
    edge = (1.0 + (second - mu2).abs()) / (1.0 + (first - mu1).abs()) - 1.0
    ringing = edge.maxpair(edge * 0)
    blurring = (edge * -1).maxpair(edge * 0)
    maps = ssim.bandjoin([ringing, blurring])
    squared = maps * maps
    stats = maps.bandjoin(squared * squared).stats().tolist()
    means = [row[4] for row in stats[1:]]
    out: list[float] = []
    for channel in range(3):
        for kind in range(3):  # ssim, ringing, blurring: bands kind * 3 + channel
            band = kind * 3 + channel
            out += [means[band], means[9 + band] ** 0.25]
    return out


def _final(averages: list[list[float]]) -> float:
    total = 0.0
    index = 0
    for channel in range(3):
        for scale in averages:
            for norm in range(2):
                for kind in range(3):
                    total += _WEIGHTS[index] * abs(scale[channel * 6 + kind * 2 + norm])
                    index += 1
    total *= 0.9562382616834844
    total = (
        2.326765642916932 * total
        - 0.020884521182843837 * total**2
        + 6.248496625763138e-05 * total**3
    )
    return 100.0 - 10.0 * total**0.6276336467831387 if total > 0 else 100.0
