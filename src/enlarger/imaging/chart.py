"""Line charts as PNG, drawn with libvips (the replay report's latency and hit ratio).

Panels are stacked vertically and share the x axis; each has its own y scale from 0 to
its largest value (or ``y_max``), labelled at the top, with a legend of its series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyvips

Colour = tuple[int, int, int]

_INK: Colour = (40, 40, 40)
_GRID: Colour = (225, 225, 225)
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 70, 20, 34, 30


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    colour: Colour
    points: Sequence[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class Panel:
    title: str
    series: Sequence[Series]
    y_max: float | None = None


def line_chart(panels: Sequence[Panel], x_label: str, width: int = 1000) -> bytes:
    """A PNG of ``panels``, each ``width`` x 300 pixels."""
    height = 300
    xs = [x for panel in panels for s in panel.series for x, _ in s.points]
    x_max = max(xs, default=1.0) or 1.0
    canvas = (pyvips.Image.black(width, height * len(panels), bands=3) + 255).cast("uchar")
    for index, panel in enumerate(panels):
        canvas = _panel(canvas, panel, index * height, width, height, x_max)
    below = (len(panels) - 1) * height + 8  # the x axis's name, top right of the last panel
    return bytes(_label(canvas, x_label, width - 8 * len(x_label) - 30, below).pngsave_buffer())


def _panel(
    canvas: pyvips.Image, panel: Panel, top: int, width: int, height: int, x_max: float
) -> pyvips.Image:
    left, right = _MARGIN_LEFT, width - _MARGIN_RIGHT
    y_top, y_bottom = top + _MARGIN_TOP, top + height - _MARGIN_BOTTOM
    ys = [y for s in panel.series for _, y in s.points]
    y_max = panel.y_max or max(ys, default=1.0) or 1.0

    def at(x: float, y: float) -> tuple[int, int]:
        px = left + round((right - left) * x / x_max)
        py = y_bottom - round((y_bottom - y_top) * min(y, y_max) / y_max)
        return px, py

    for tick in range(5):
        value = y_max * tick / 4
        _, py = at(0, value)
        canvas = canvas.draw_line(list(_GRID), left, py, right, py)
        canvas = _label(canvas, f"{value:.3g}", 8, py - 7)
    for tick in range(6):
        x = x_max * tick / 5
        px, _ = at(x, 0)
        canvas = _label(canvas, f"{x:.3g}", min(px - 8, width - 40), y_bottom + 6)
    canvas = canvas.draw_rect(list(_INK), left, y_top, right - left, y_bottom - y_top, fill=False)
    canvas = _label(canvas, panel.title, left, top + 8)
    legend_x = left + 8 * len(panel.title) + 40
    for s in panel.series:
        for (x1, y1), (x2, y2) in zip(s.points, s.points[1:], strict=False):
            canvas = canvas.draw_line(list(s.colour), *at(x1, y1), *at(x2, y2))
        canvas = canvas.draw_rect(list(s.colour), legend_x, top + 12, 18, 4, fill=True)
        canvas = _label(canvas, s.name, legend_x + 24, top + 8)
        legend_x += 24 + 8 * len(s.name) + 30
    return canvas


def _label(canvas: pyvips.Image, text: str, x: int, y: int) -> pyvips.Image:
    mask = pyvips.Image.text(text, dpi=90, font="sans")
    return canvas.draw_mask(list(_INK), mask, max(x, 0), max(y, 0))
