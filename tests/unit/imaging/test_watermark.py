"""The watermark step: a second source composited at thumbor's positions, with opacity,
size shares and tiling; extras are checked like the main source."""

from __future__ import annotations

from typing import Any

import pytest
import pyvips

from enlarger.errors import ClientError, TooManyPixels
from enlarger.imaging import RenderOptions, Sources, render
from enlarger.imaging.steps.watermark import fitted_size
from enlarger.spec.model import (
    Effects,
    Extent,
    Format,
    MarkPlacement,
    Output,
    RenderSpec,
    Watermark,
)
from tests.support.images import decode, fixture, pixel, png_bomb

CHELSEA = fixture("skimage_chelsea_225.png")
#: a 20 x 10 opaque pure-red mark.
RED = pyvips.Image.black(20, 10).new_from_image([255, 0, 0]).copy(interpretation="srgb")
MARK = RED.pngsave_buffer()


def _marked(mark: Watermark, source: bytes = CHELSEA, extra: bytes = MARK) -> Any:
    spec = RenderSpec(effects=Effects(watermark=mark), output=Output(fm=Format.PNG))
    sources = Sources(source, {"watermark": extra})
    return decode(render(sources, spec, frozenset(), RenderOptions()).data)


def _is_red(image: Any, x: int, y: int) -> bool:
    return pixel(image, x, y)[:3] == [255, 0, 0]


def _red_share(image: Any) -> float:
    red = (image.extract_band(0) == 255) & (image.extract_band(1) == 0)
    return float(red.avg()) / 255


def test_pixel_offsets_from_the_start_and_the_end() -> None:
    out = _marked(Watermark("m.png", x_offset=Extent(5), y_offset=Extent(7)))
    plain = decode(CHELSEA)
    assert (out.width, out.height) == (plain.width, plain.height)
    assert _is_red(out, 5, 7)
    assert _is_red(out, 24, 16)
    assert not _is_red(out, 25, 7)
    assert not _is_red(out, 4, 7)
    end = _marked(Watermark("m.png", MarkPlacement.END, Extent(3), MarkPlacement.END, Extent(2)))
    w, h = end.width, end.height
    assert _is_red(end, w - 4, h - 3)
    assert _is_red(end, w - 23, h - 12)
    assert not _is_red(end, w - 3, h - 3)


def test_centre_and_percent_offsets() -> None:
    out = _marked(Watermark("m.png", MarkPlacement.CENTER, y=MarkPlacement.CENTER))
    left, top = (out.width - 20) // 2, (out.height - 10) // 2
    assert _is_red(out, left, top)
    assert not _is_red(out, left - 1, top)
    half = _marked(Watermark("m.png", x_offset=Extent(0.5, relative=True)))
    start = round(half.width * 0.5 + 1e-5)  # thumbor's rounding: halves go up
    assert _is_red(half, start, 0)
    assert not _is_red(half, start - 1, 0)


def test_opacity_blends_the_mark() -> None:
    out = _marked(Watermark("m.png", opacity=0.5))
    plain = decode(CHELSEA)
    red, green, _ = pixel(out, 2, 2)[:3]
    base_red, base_green, _ = pixel(plain, 2, 2)[:3]
    assert red == pytest.approx((255 + base_red) / 2, abs=2)
    assert green == pytest.approx(base_green / 2, abs=2)


def test_tiling_repeats_the_mark_across_the_output() -> None:
    tiled = _marked(Watermark("m.png", MarkPlacement.TILE, y=MarkPlacement.TILE))
    columns, rows = tiled.width // 20, tiled.height // 10
    if columns * rows > 100:
        columns, rows = min(6, columns), min(6, rows)
    assert _red_share(tiled) == pytest.approx(columns * rows * 200 / tiled.width / tiled.height)
    assert _is_red(tiled, tiled.width - 1, tiled.height - 1)  # spread to the far edges
    row = _marked(Watermark("m.png", MarkPlacement.TILE))
    assert _red_share(row) == pytest.approx(row.width // 20 * 200 / row.width / row.height)


def test_shares_scale_the_mark_to_fit() -> None:
    assert fitted_size((20, 10), (400, 300), 0.0, 0.0) == (20, 10)
    assert fitted_size((20, 10), (400, 300), 0.5, 0.0) == (200, 100)
    assert fitted_size((20, 10), (400, 300), 0.5, 0.1) == (60, 30)
    assert fitted_size((20, 10), (400, 300), 0.0, 0.1) == (60, 30)
    out = _marked(Watermark("m.png", w_share=0.5))
    assert _red_share(out) == pytest.approx(
        out.width // 2 * round(out.width / 4) / (out.width * out.height), rel=0.05
    )


def test_a_grey_source_gets_a_coloured_mark() -> None:
    out = _marked(Watermark("m.png"), source=fixture("plasma_grey_gray_320.jpg"))
    assert out.bands == 3
    assert _is_red(out, 1, 1)


def test_a_transparent_source_keeps_its_alpha() -> None:
    out = _marked(Watermark("m.png"), source=fixture("plasma_icecold_rgba_320.png"))
    assert out.hasalpha()
    assert pixel(out, 1, 1) == [255, 0, 0, 255]


def test_the_extra_is_checked_against_the_pixel_limit() -> None:
    with pytest.raises(TooManyPixels):
        _marked(Watermark("m.png"), extra=png_bomb(20_000, 20_000))


def test_a_spec_naming_a_watermark_needs_its_bytes() -> None:
    spec = RenderSpec(effects=Effects(watermark=Watermark("m.png")))
    with pytest.raises(ClientError, match="watermark"):
        render(CHELSEA, spec, frozenset(), RenderOptions())
