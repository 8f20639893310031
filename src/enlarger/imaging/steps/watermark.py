"""Step: a watermark from another source drawn over the output (``effects.watermark``).

The mark is decoded upright with libvips' ``thumbnail`` at its final size: its own,
fitted within ``w_share`` x ``h_share`` of the output, or fitted to its ``w`` x ``h``
box by ``fit`` (``layers.decode_in_box``); then turned by ``rotation`` (transparent
corners), its alpha scaled by ``opacity``, and composited "over" at every position.
Positions and tiling follow thumbor's watermark filter: an offset from the start or end
edge, centred, or repeated with the leftover space spread between the copies. Returns
at once without ``effects.watermark``, or on outputs smaller than ``min_w`` x ``min_h``.
"""

from __future__ import annotations

from typing import Any

from enlarger.imaging import layers
from enlarger.imaging.state import Run
from enlarger.spec.model import WATERMARK, MarkPlacement, Watermark

#: tiling both ways draws at most this many copies per side once the grid passes 100.
_MOST_TILES_PER_SIDE = 6


def watermark(run: Run) -> Run:
    mark_spec = run.spec.effects.watermark
    if mark_spec is None:
        return run
    image = run.image
    if image.width < mark_spec.min_w or image.height < mark_spec.min_h:
        return run
    mark = _decoded_mark(run.extras[WATERMARK], mark_spec, image.width, image.height)
    xs = layers.positions(mark_spec.x, mark_spec.x_offset, image.width, mark.width)
    ys = layers.positions(mark_spec.y, mark_spec.y_offset, image.height, mark.height)
    tiled = mark_spec.x is mark_spec.y is MarkPlacement.TILE
    if tiled and len(xs) * len(ys) > 100:
        xs = layers.spread(image.width, mark.width, min(_MOST_TILES_PER_SIDE, len(xs)))
        ys = layers.spread(image.height, mark.height, min(_MOST_TILES_PER_SIDE, len(ys)))
    spots = [(x, y) for x in xs for y in ys]
    return run.with_image(layers.draw_over(image, mark, spots))


def _decoded_mark(data: bytes, mark: Watermark, width: int, height: int) -> Any:
    if mark.w is not None or mark.h is not None:
        box = layers.box_of(mark.w, mark.h, (width, height))
        decoded = layers.decode_in_box(data, box, mark.fit)
    else:
        size = fitted_size(layers.own_size(data), (width, height), mark.w_share, mark.h_share)
        decoded = layers.decode(data, size)
    if mark.rotation:
        decoded = decoded.similarity(angle=-mark.rotation, background=[0, 0, 0, 0]).cast("uchar")
    return layers.scale_alpha(decoded, mark.opacity)


def fitted_size(
    mark: tuple[int, int], output: tuple[int, int], w_share: float, h_share: float
) -> tuple[int, int]:
    """The mark's size: its own, or scaled to fit the shares of the output's sides."""
    if not (w_share or h_share):
        return mark
    most_w = output[0] * w_share if w_share else mark[0] * output[1] * h_share / mark[1]
    most_h = output[1] * h_share if h_share else mark[1] * most_w / mark[0]
    if mark[0] / most_w >= mark[1] / most_h:
        return max(1, round(most_w)), max(1, round(mark[1] * most_w / mark[0]))
    return max(1, round(mark[0] * most_h / mark[1])), max(1, round(most_h))
