"""A small RGB copy of a render, for the reports that summarise its colours."""

from __future__ import annotations

from typing import Any

from PIL import Image

SAMPLE_SIDE = 64


def sample(image: Any, side: int = SAMPLE_SIDE) -> Image.Image:
    """``image`` (8-bit sRGB or grey, alpha or not) within ``side`` x ``side``, as RGB."""
    scale = min(1.0, side / max(image.width, image.height))
    small = image.resize(scale) if scale < 1 else image
    if small.bands >= 3:
        rgb = small.extract_band(0, n=3)
    else:
        grey = small.extract_band(0)
        rgb = grey.bandjoin([grey, grey])
    packed = bytes(rgb.cast("uchar").write_to_memory())
    return Image.frombytes("RGB", (rgb.width, rgb.height), packed)
