"""BlurHash encoder, written from the published algorithm (https://blurha.sh, woltapp/blurhash).

The image is projected onto a few cosine basis functions in linear light; the average
colour (DC) is stored as sRGB in 4 base-83 digits, every other component quantised to
19 levels per channel relative to the largest one, 2 digits each.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

_BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"

Factor = tuple[float, float, float]


def encode(
    rgb: bytes, width: int, height: int, x_components: int = 4, y_components: int = 3
) -> str:
    """BlurHash of ``width`` x ``height`` packed 8-bit RGB pixels (row by row)."""
    if not (1 <= x_components <= 9 and 1 <= y_components <= 9):
        raise ValueError("BlurHash takes 1 to 9 components in each direction")
    if len(rgb) != width * height * 3 or width < 1 or height < 1:
        raise ValueError("rgb must hold width * height packed RGB pixels")
    linear = [_srgb_to_linear(v) for v in range(256)]
    factors = [
        _factor(rgb, linear, width, height, i, j)
        for j in range(y_components)
        for i in range(x_components)
    ]
    dc, ac = factors[0], factors[1:]
    digits = _base83((x_components - 1) + (y_components - 1) * 9, 1)
    if ac:
        actual_max = max(abs(c) for factor in ac for c in factor)
        quantised_max = max(0, min(82, math.floor(actual_max * 166 - 0.5)))
        maximum = (quantised_max + 1) / 166
        digits += _base83(quantised_max, 1)
    else:
        maximum = 1.0
        digits += _base83(0, 1)
    digits += _base83(_encode_dc(dc), 4)
    return digits + "".join(_base83(_encode_ac(factor, maximum), 2) for factor in ac)


def _factor(rgb: bytes, linear: Sequence[float], width: int, height: int, i: int, j: int) -> Factor:
    cos_x = [math.cos(math.pi * i * x / width) for x in range(width)]
    cos_y = [math.cos(math.pi * j * y / height) for y in range(height)]
    r = g = b = 0.0
    for y in range(height):
        row = y * width * 3
        for x in range(width):
            basis = cos_x[x] * cos_y[y]
            at = row + x * 3
            r += basis * linear[rgb[at]]
            g += basis * linear[rgb[at + 1]]
            b += basis * linear[rgb[at + 2]]
    scale = (1 if i == j == 0 else 2) / (width * height)
    return r * scale, g * scale, b * scale


def _encode_dc(factor: Factor) -> int:
    r, g, b = (_linear_to_srgb(c) for c in factor)
    return (r << 16) + (g << 8) + b


def _encode_ac(factor: Factor, maximum: float) -> int:
    r, g, b = (max(0, min(18, math.floor(_sign_pow(c / maximum, 0.5) * 9 + 9.5))) for c in factor)
    return r * 19 * 19 + g * 19 + b


def _srgb_to_linear(value: int) -> float:
    v = value / 255
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def _linear_to_srgb(value: float) -> int:
    v = max(0.0, min(1.0, value))
    if v <= 0.0031308:
        return int(v * 12.92 * 255 + 0.5)
    return int((1.055 * v ** (1 / 2.4) - 0.055) * 255 + 0.5)


def _sign_pow(value: float, exponent: float) -> float:
    return math.copysign(abs(value) ** exponent, value)


def _base83(value: int, length: int) -> str:
    return "".join(_BASE83[(value // 83 ** (length - 1 - k)) % 83] for k in range(length))
