"""Alpha: kept for formats that hold it, flattened onto ``bg`` (white) for JPEG, and
``bg`` filling transparency in every format."""

from __future__ import annotations

import pytest
import pyvips

from enlarger.spec.model import Color, Format, Output
from tests.support.images import decode, fixture, pixel, render_bytes

GREY_ALPHA = fixture("mate_stripes_la_240.png")  # alpha 136-152 everywhere


def _half_transparent_rgba() -> bytes:
    """The RGBA fixture with its left half fully transparent (its own alpha is opaque)."""
    image = decode(fixture("plasma_icecold_rgba_320.png"))
    alpha = pyvips.Image.black(320, 180).insert(pyvips.Image.black(160, 180) + 255, 160, 0)
    data: bytes = image.extract_band(0, n=3).bandjoin(alpha.cast("uchar")).pngsave_buffer()
    return data


RGBA = _half_transparent_rgba()


@pytest.mark.parametrize("fm", [Format.PNG, Format.WEBP, Format.AVIF])
def test_alpha_is_kept(fm: Format) -> None:
    out = decode(render_bytes(RGBA, Output(fm=fm, lossless=fm is not Format.AVIF)))
    assert out.bands == 4
    assert pixel(out, 10, 90)[3] == 0
    assert pixel(out, 300, 90)[3] == 255


def test_gif_keeps_one_bit_transparency() -> None:
    out = decode(render_bytes(RGBA, Output(fm=Format.GIF)))
    assert out.hasalpha()
    assert pixel(out, 10, 90)[-1] == 0
    assert pixel(out, 300, 90)[-1] == 255


def test_gif_flattens_half_opaque_pixels_onto_white() -> None:
    source = decode(GREY_ALPHA)
    grey, opacity = pixel(source, 50, 50)
    assert 128 <= opacity < 255
    out = decode(render_bytes(GREY_ALPHA, Output(fm=Format.GIF)))
    *colour, alpha = pixel(out, 50, 50)
    assert alpha == 255
    blended = (grey * opacity + 255 * (255 - opacity)) / 255
    assert colour == pytest.approx([blended] * 3, abs=4)


def test_grey_alpha_png_keeps_both_bands() -> None:
    out = decode(render_bytes(GREY_ALPHA, Output(fm=Format.PNG)))
    assert (out.bands, out.interpretation) == (2, "b-w")
    assert pixel(out, 10, 10) == pixel(decode(GREY_ALPHA), 10, 10)


@pytest.mark.parametrize("fm", [Format.JPG, Format.PJPG])
def test_jpeg_flattens_onto_white(fm: Format) -> None:
    out = decode(render_bytes(RGBA, Output(fm=fm)))
    assert out.bands == 3
    assert pixel(out, 10, 90) == pytest.approx([255, 255, 255], abs=2)


def test_jpeg_flattens_grey_alpha_onto_bg() -> None:
    source = decode(GREY_ALPHA)
    grey, opacity = pixel(source, 50, 50)
    out = decode(render_bytes(GREY_ALPHA, Output(fm=Format.JPG, bg=Color(0, 0, 0))))
    assert out.bands == 1
    assert pixel(out, 50, 50)[0] == pytest.approx(grey * opacity / 255, abs=3)


def test_opaque_bg_fills_transparency_in_png() -> None:
    out = decode(render_bytes(RGBA, Output(fm=Format.PNG, bg=Color(0, 0, 255))))
    assert out.bands == 3
    assert pixel(out, 10, 90) == [0, 0, 255]


def test_translucent_bg_leaves_a_translucent_png() -> None:
    out = decode(render_bytes(RGBA, Output(fm=Format.PNG, bg=Color(0, 255, 0, 128))))
    assert out.bands == 4
    assert pixel(out, 10, 90) == pytest.approx([0, 255, 0, 128], abs=1)
    assert pixel(out, 300, 90)[3] == 255
