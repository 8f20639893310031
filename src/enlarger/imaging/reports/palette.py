"""``palette=json|css``: the main colours of the render, most frequent first.

The render is reduced to at most 64 x 64 pixels and quantised by median cut (Pillow) to
``colors`` colours. JSON follows imgix's ``colors`` list (channels 0-1 and ``hex``) and
``average_luminance``; CSS gives each colour a foreground and a background class,
``.<prefix>-fg-<n>`` and ``.<prefix>-bg-<n>`` (imgix's ``dominant_colors`` and ``-ex``
classes are not produced).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageStat

from enlarger.imaging.reports.sample import sample
from enlarger.spec.model import Output, PaletteFormat

#: Rec. 709 luma weights, on the 0-1 sRGB values as imgix's ``average_luminance``.
_LUMA = (0.2126, 0.7152, 0.0722)


@dataclass(frozen=True, slots=True)
class Swatch:
    rgb: tuple[int, int, int]
    pixels: int

    @property
    def hex(self) -> str:
        return "#{:02x}{:02x}{:02x}".format(*self.rgb)


def palette_document(image: Any, output: Output) -> tuple[bytes, str]:
    """The palette of ``image`` (an 8-bit sRGB pyvips image) as ``output.palette`` asks:
    the document's bytes and media type."""
    small = sample(image)
    swatches = _swatches(small, output.colors)
    if output.palette is PaletteFormat.CSS:
        return _css(swatches, output.prefix).encode(), "text/css; charset=utf-8"
    return _json(swatches, _average_luminance(small)).encode(), "application/json"


def _swatches(small: Image.Image, colors: int) -> list[Swatch]:
    if colors == 0:
        return []
    quantised = small.quantize(colors, method=Image.Quantize.MEDIANCUT)
    flat = quantised.getpalette() or []
    counts = sorted(quantised.getcolors() or [], reverse=True)  # (pixels, palette index)
    return [
        Swatch((flat[i * 3], flat[i * 3 + 1], flat[i * 3 + 2]), n)
        for n, i in counts
        if isinstance(i, int)
    ]


def _average_luminance(small: Image.Image) -> float:
    means = [float(mean) for mean in ImageStat.Stat(small).mean]
    return round(sum(w * c for w, c in zip(_LUMA, means, strict=True)) / 255, 6)


def _json(swatches: list[Swatch], luminance: float) -> str:
    colors = [
        {
            "red": round(s.rgb[0] / 255, 6),
            "green": round(s.rgb[1] / 255, 6),
            "blue": round(s.rgb[2] / 255, 6),
            "hex": s.hex,
        }
        for s in swatches
    ]
    return json.dumps({"colors": colors, "average_luminance": luminance})


def _css(swatches: list[Swatch], prefix: str) -> str:
    rules = []
    for n, swatch in enumerate(swatches, start=1):
        rules.append(f".{prefix}-fg-{n} {{ color: {swatch.hex} !important; }}")
        rules.append(f".{prefix}-bg-{n} {{ background-color: {swatch.hex} !important; }}")
    return "\n".join(rules) + "\n"
