"""Step: a watermark from another source drawn over the output (``effects.watermark``).

The mark is decoded upright with libvips' ``thumbnail`` at its final size (its own, or
fitted within ``w_share`` x ``h_share`` of the output), made sRGB with alpha, its alpha
scaled by ``opacity``, and composited "over" at every position. Positions and tiling
follow thumbor's watermark filter: an offset from the start or end edge, centred, or
repeated with the leftover space spread between the copies. Returns at once without
``effects.watermark``.
"""

from __future__ import annotations

from typing import Any

from enlarger.imaging.colours import with_alpha
from enlarger.imaging.probe import probe
from enlarger.imaging.state import Run
from enlarger.imaging.steps.colour import to_working_space
from enlarger.imaging.thumbnail import thumbnail
from enlarger.spec.model import WATERMARK, Extent, MarkPlacement, Watermark

#: tiling both ways draws at most this many copies per side once the grid passes 100.
_MOST_TILES_PER_SIDE = 6
#: the gap between copies when fewer than two fit along a side (thumbor's).
_NARROW_GAP = 10


def watermark(run: Run) -> Run:
    mark_spec = run.spec.effects.watermark
    if mark_spec is None:
        return run
    image = run.image
    mark = _decoded_mark(run.extras[WATERMARK], mark_spec, image.width, image.height)
    xs = _positions(mark_spec.x, mark_spec.x_offset, image.width, mark.width)
    ys = _positions(mark_spec.y, mark_spec.y_offset, image.height, mark.height)
    tiled = mark_spec.x is mark_spec.y is MarkPlacement.TILE
    if tiled and len(xs) * len(ys) > 100:
        xs = _spread(image.width, mark.width, min(_MOST_TILES_PER_SIDE, len(xs)))
        ys = _spread(image.height, mark.height, min(_MOST_TILES_PER_SIDE, len(ys)))
    spots = [(x, y) for x in xs for y in ys]
    return run.with_image(_composite(image, mark, spots))


def _decoded_mark(data: bytes, mark: Watermark, width: int, height: int) -> Any:
    facts = probe(data)
    size = fitted_size(
        (facts.oriented_width, facts.oriented_height), (width, height), mark.w_share, mark.h_share
    )
    decoded = to_working_space(thumbnail(data, facts, *size), keep_profile=False, colour=True)
    decoded = with_alpha(decoded)
    if mark.opacity >= 1:
        return decoded
    colour = decoded.extract_band(0, n=3)
    alpha = (decoded.extract_band(3) * mark.opacity).cast("uchar")
    return colour.bandjoin(alpha)


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


def _positions(place: MarkPlacement, offset: Extent, length: int, mark: int) -> list[int]:
    """Where copies start along one side of ``length`` px for a mark ``mark`` px long."""
    if place is MarkPlacement.CENTER:
        return [(length - mark) // 2]
    if place is MarkPlacement.TILE:
        count, spare = divmod(length, mark)
        if length / mark < 2:
            count, spare = -(-length // mark), _NARROW_GAP
        return _spread(length, mark, count, spare)
    shift = round(offset.value * length + 1e-5) if offset.relative else int(offset.value)
    return [length - mark - shift if place is MarkPlacement.END else shift]


def _spread(length: int, mark: int, count: int, spare: int | None = None) -> list[int]:
    """``count`` copies with the ``spare`` pixels (by default what they leave) between."""
    spare = length - count * mark if spare is None else spare
    gap = spare // (max(count, 2) - 1)
    return [index * (gap + mark) for index in range(count)]


def _composite(image: Any, mark: Any, spots: list[tuple[int, int]]) -> Any:
    """``mark`` over ``image`` at each spot; ``image`` keeps its bands (grey becomes sRGB)."""
    base = image if image.bands >= 3 else image.colourspace("srgb")
    opaque = not base.hasalpha()
    base = with_alpha(base)
    drawn = base.composite(
        [mark] * len(spots),
        ["over"] * len(spots),
        x=[x for x, _ in spots],
        y=[y for _, y in spots],
    ).cast("uchar")
    return drawn.extract_band(0, n=3) if opaque else drawn
