"""render end to end: limits and failures a client can cause, and the planner's geometry
reaching the pixels."""

from __future__ import annotations

import time

import pytest

from enlarger.errors import InvalidParameter, OutputTooLarge, TooManyPixels, UnprocessableImage
from enlarger.imaging import RenderOptions, render, writable_formats
from enlarger.spec.model import (
    Auto,
    Color,
    Crop,
    Extent,
    FillMode,
    Fit,
    Format,
    Geometry,
    Output,
    RenderSpec,
)
from tests.support.images import (
    decode,
    fixture,
    mean_abs_diff,
    pixel,
    png_bomb,
    render_bytes,
    sniff,
    truncated,
)

CHELSEA = fixture("skimage_chelsea_225.png")  # 225 x 150
NO_ACCEPT: frozenset[Format] = frozenset()


@pytest.mark.parametrize("name", ["skimage_rocket.jpg", "skimage_chelsea_225.png"])
def test_truncated_source_is_unprocessable(name: str) -> None:
    with pytest.raises(UnprocessableImage) as caught:
        render_bytes(truncated(fixture(name)), RenderSpec(geometry=Geometry(w=Extent(50))))
    assert caught.value.status == 422
    assert type(caught.value) is UnprocessableImage


def test_garbage_is_unprocessable() -> None:
    with pytest.raises(UnprocessableImage):
        render_bytes(b"<html>not an image</html>", RenderSpec())


def test_bomb_is_refused_from_its_header() -> None:
    started = time.monotonic()
    with pytest.raises(TooManyPixels) as caught:
        render_bytes(png_bomb(100_000, 100_000), RenderSpec(geometry=Geometry(w=Extent(10))))
    assert time.monotonic() - started < 1.0
    assert caught.value.status == 422
    assert caught.value.details["limit"] == 50_000_000


def test_pixel_limit_comes_from_the_options() -> None:
    with pytest.raises(TooManyPixels):
        render_bytes(CHELSEA, RenderSpec(), RenderOptions(max_source_pixels=225 * 150 - 1))
    assert render_bytes(CHELSEA, RenderSpec(), RenderOptions(max_source_pixels=225 * 150))


def test_output_side_limit_comes_from_the_options() -> None:
    spec = RenderSpec(geometry=Geometry(w=Extent(500)))
    with pytest.raises(OutputTooLarge):
        render_bytes(CHELSEA, spec, RenderOptions(max_output_side=499))


@pytest.mark.skipif(Format.JXL in writable_formats(), reason="this libvips writes JPEG XL")
def test_a_format_libvips_cannot_write_is_a_bad_parameter() -> None:
    with pytest.raises(InvalidParameter) as caught:
        render_bytes(CHELSEA, RenderSpec(output=Output(fm=Format.JXL)))
    assert caught.value.details["parameter"] == "fm"


def test_auto_format_negotiates_with_accept() -> None:
    spec = RenderSpec(output=Output(auto=frozenset({Auto.FORMAT})))
    avif = render(CHELSEA, spec, frozenset({Format.AVIF, Format.WEBP}), RenderOptions())
    webp = render(CHELSEA, spec, frozenset({Format.WEBP}), RenderOptions())
    assert (avif.format, sniff(avif.data)) == (Format.AVIF, "avif")
    assert (webp.format, sniff(webp.data)) == (Format.WEBP, "webp")


def test_source_format_is_kept_without_fm() -> None:
    assert sniff(render_bytes(CHELSEA, RenderSpec())) == "png"
    assert sniff(render_bytes(fixture("edge/hopper.webp"), RenderSpec())) == "webp"


def test_fit_crop_fills_the_box() -> None:
    spec = RenderSpec(geometry=Geometry(w=Extent(60), h=Extent(60), fit=Fit.CROP))
    out = decode(render_bytes(CHELSEA, spec))
    assert (out.width, out.height) == (60, 60)
    centre = decode(CHELSEA).crop(37, 0, 150, 150)
    assert mean_abs_diff(out, centre) < 8


def test_fit_crop_with_entropy_stays_in_the_image() -> None:
    geometry = Geometry(w=Extent(60), h=Extent(60), fit=Fit.CROP, crop=frozenset({Crop.ENTROPY}))
    out = decode(render_bytes(CHELSEA, RenderSpec(geometry=geometry)))
    assert (out.width, out.height) == (60, 60)


def test_fit_fill_pads_with_the_fill_colour() -> None:
    geometry = Geometry(
        w=Extent(100), h=Extent(100), fit=Fit.FILL, fill=FillMode.SOLID, fill_color=Color(0, 0, 255)
    )
    out = decode(render_bytes(CHELSEA, RenderSpec(geometry=geometry, output=Output(fm=Format.PNG))))
    assert (out.width, out.height) == (100, 100)
    assert pixel(out, 50, 2) == [0, 0, 255]
    assert pixel(out, 50, 97) == [0, 0, 255]
    assert mean_abs_diff(out.crop(0, 17, 100, 66), decode(CHELSEA)) < 8
