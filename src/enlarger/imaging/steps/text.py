"""Step: imgix ``txt``: text drawn over the image (``effects.text``).

The text (``imaging/text.py``) is fitted to its box (``width``, else the image's width
less ``pad`` each side), then drawn in three layers: a soft shadow down and to the right
(``shadow``), an outline ``line`` px wide (the coverage dilated), and the text in its
colour. It is placed by ``x``/``y``, ``pad`` px from the edges. Returns at once
without ``effects.text``.
"""

from __future__ import annotations

from typing import Any

from enlarger.imaging import layers
from enlarger.imaging.state import Run
from enlarger.imaging.text import fitted_mask
from enlarger.spec.model import Color, Extent, Text

#: the shadow's blur (sigma) and offset per pixel of text size at ``shadow`` 10.
_SHADOW_BLUR = 0.08
_SHADOW_OFFSET = 0.06
_SHADOW_OPACITY = 0.8


def text(run: Run) -> Run:
    spec = run.spec.effects.text
    if spec is None:
        return run
    image = run.image
    width = spec.width or image.width - 2 * spec.pad
    mask = fitted_mask(spec, max(1, width))
    layer, margin = _layer(spec, mask)
    pad = Extent(spec.pad)
    (x,) = layers.positions(spec.x, pad, image.width, mask.width)
    (y,) = layers.positions(spec.y, pad, image.height, mask.height)
    return run.with_image(layers.draw_over(image, layer, [(x - margin, y - margin)]))


def _layer(spec: Text, mask: Any) -> tuple[Any, int]:
    """The shadow, outline and text as one sRGB + alpha image, and the margin around
    ``mask`` it adds on each side."""
    blur = spec.shadow / 10 * _SHADOW_BLUR * spec.size
    offset = round(spec.shadow / 10 * _SHADOW_OFFSET * spec.size) if spec.shadow else 0
    margin = spec.line + offset + (int(3 * blur) + 1 if spec.shadow else 0)
    coverage = mask.embed(margin, margin, mask.width + 2 * margin, mask.height + 2 * margin)
    parts = []
    if spec.shadow:
        shadow = coverage.gaussblur(max(blur, 0.3)) if blur >= 0.3 else coverage
        shadow = shadow.embed(offset, offset, coverage.width, coverage.height)
        parts.append(layers.painted(shadow * _SHADOW_OPACITY, Color(0, 0, 0)))
    if spec.line:
        parts.append(layers.painted(_dilated(coverage, spec.line), spec.line_color))
    parts.append(layers.painted(coverage, spec.color))
    first, *rest = parts
    layer = first.composite(rest, ["over"] * len(rest)).cast("uchar") if rest else first
    return layer, margin


def _dilated(coverage: Any, radius: int) -> Any:
    """``coverage`` grown by ``radius`` px, keeping its soft edge: the most of each
    pixel's neighbours, by a 3 x 3 square and a cross in turn (an octagon overall)."""
    grown = coverage
    for step in range(radius):
        across, down = grown.rank(3, 1, 2), grown.rank(1, 3, 2)
        grown = across.rank(1, 3, 2) if step % 2 == 0 else (across > down).ifthenelse(across, down)
    return grown
