"""Effect steps at the pixel level: tone (grayscale, adjust, rgb_shift, equalize), detail
(blur, sharpen, noise), round corners and quarter turns."""

from __future__ import annotations

from typing import Any

import pytest

from enlarger.spec.model import (
    Adjust,
    Color,
    Convolution,
    Effects,
    Extent,
    Fit,
    Format,
    Geometry,
    Orientation,
    Output,
    RenderSpec,
    RgbShift,
    RoundCorner,
    Sharpen,
)
from tests.support.images import decode, fixture, mean_abs_diff, pixel, render_bytes

CHELSEA = fixture("skimage_chelsea_225.png")  # sRGB cat photo
RGBA = fixture("plasma_icecold_rgba_320.png")
PNG = Output(fm=Format.PNG)


def _render(source: bytes = CHELSEA, **effects: Any) -> Any:
    return decode(render_bytes(source, RenderSpec(effects=Effects(**effects), output=PNG)))


def _plain(source: bytes = CHELSEA) -> Any:
    return decode(render_bytes(source, PNG))


def _band_means(image: Any) -> list[float]:
    return [float(image.extract_band(i).avg()) for i in range(3)]


def test_grayscale_makes_every_pixel_neutral() -> None:
    out = _render(grayscale=True)
    if out.bands >= 3:
        red, green, blue = (out.extract_band(i) for i in range(3))
        assert float((red - green).abs().max()) <= 1
        assert float((green - blue).abs().max()) <= 1
    assert (out.width, out.height) == (_plain().width, _plain().height)


def test_grayscale_keeps_alpha() -> None:
    out = _render(RGBA, grayscale=True)
    assert out.hasalpha()
    plain = _plain(RGBA)
    assert float(out.extract_band(out.bands - 1).avg()) == pytest.approx(
        float(plain.extract_band(plain.bands - 1).avg())
    )


@pytest.mark.parametrize(("brightness", "brighter"), [(30.0, True), (-30.0, False)])
def test_brightness_moves_the_mean(brightness: float, brighter: bool) -> None:
    before, after = _plain().avg(), _render(adjust=Adjust(brightness=brightness)).avg()
    assert (after > before + 20) if brighter else (after < before - 20)


def test_contrast_spreads_the_values_and_negative_contrast_narrows_them() -> None:
    spread = _plain().deviate()
    assert _render(adjust=Adjust(contrast=50)).deviate() > spread * 1.3
    assert _render(adjust=Adjust(contrast=-50)).deviate() < spread * 0.8


def test_zero_saturation_is_grey() -> None:
    out = _render(adjust=Adjust(saturation=0.0))
    red, green, blue = pixel(out, out.width // 2, out.height // 2)[:3]
    assert max(red, green, blue) - min(red, green, blue) <= 3


def test_rgb_shift_moves_only_its_channel() -> None:
    before = _band_means(_plain())
    after = _band_means(_render(rgb_shift=RgbShift(red=20)))
    assert after[0] > before[0] + 30
    assert after[1] == pytest.approx(before[1], abs=0.5)
    assert after[2] == pytest.approx(before[2], abs=0.5)


def test_equalize_spreads_the_histogram() -> None:
    out = _render(equalize=True)
    assert out.max() >= 250
    assert out.min() <= 5
    assert out.deviate() > _plain().deviate()


def test_blur_smooths_and_keeps_the_picture() -> None:
    plain, out = _plain(), _render(blur_sigma=4.0)
    assert _edge_energy(out) < _edge_energy(plain) * 0.5
    assert mean_abs_diff(out, plain) < 20
    assert out.format == "uchar"


def test_sharpen_adds_edge_energy() -> None:
    plain = _plain()
    for luminance_only in (False, True):
        mask = Sharpen(amount=2.0, radius=1.5, luminance_only=luminance_only)
        out = _render(sharpen=mask)
        assert _edge_energy(out) > _edge_energy(plain) * 1.2
        assert mean_abs_diff(out, plain) < 15


def test_convolution_kernels() -> None:
    plain = _plain()
    identity = _render(convolution=Convolution((0, 0, 0, 0, 1, 0, 0, 0, 0), 3))
    assert mean_abs_diff(identity, plain) < 0.01
    smooth = _render(convolution=Convolution((1, 2, 1, 2, 4, 2, 1, 2, 1), 3))
    assert _edge_energy(smooth) < _edge_energy(plain) * 0.8
    assert mean_abs_diff(smooth, plain) < 10
    edges = _render(convolution=Convolution((-1, -1, -1, -1, 8, -1, -1, -1, -1), 3, False))
    assert edges.avg() < plain.avg() / 2  # flat areas go black, edges stay
    shifted = _render(convolution=Convolution((1, 0, 0), 3))  # the left neighbour
    assert pixel(shifted, 10, 10) == pixel(plain, 9, 10)


def test_noise_is_visible_and_deterministic() -> None:
    first = render_bytes(CHELSEA, RenderSpec(effects=Effects(noise=50), output=PNG))
    second = render_bytes(CHELSEA, RenderSpec(effects=Effects(noise=50), output=PNG))
    assert first == second
    assert 3 < mean_abs_diff(decode(first), _plain()) < 60


def test_round_corner_paints_the_corners_and_keeps_the_centre() -> None:
    red = Color(255, 0, 0)
    out = _render(round_corner=RoundCorner(a=40, b=30, color=red))
    plain = _plain()
    for x, y in ((0, 0), (out.width - 1, 0), (0, out.height - 1), (out.width - 1, out.height - 1)):
        assert pixel(out, x, y)[:3] == pytest.approx([255, 0, 0], abs=2)
    middle = (out.width // 2, out.height // 2)
    assert pixel(out, *middle) == pixel(plain, *middle)
    assert pixel(out, out.width // 2, 0) == pixel(plain, out.width // 2, 0)  # edge, no corner


def test_transparent_round_corner_clears_the_corners_only() -> None:
    out = _render(round_corner=RoundCorner(a=40, b=40, transparent=True))
    assert out.hasalpha()
    assert pixel(out, 0, 0)[3] == 0
    assert pixel(out, out.width - 1, out.height - 1)[3] == 0
    assert pixel(out, out.width // 2, out.height // 2)[3] == 255


@pytest.mark.parametrize(("angle", "swapped"), [(90, True), (180, False), (270, True)])
def test_turn_rotates_the_finished_image(angle: int, swapped: bool) -> None:
    plain = _plain()
    out = decode(render_bytes(CHELSEA, RenderSpec(orientation=Orientation(turn=angle), output=PNG)))
    size = (plain.height, plain.width) if swapped else (plain.width, plain.height)
    assert (out.width, out.height) == size
    w, h = plain.width, plain.height
    # where the source's top-left pixel lands, turning counter-clockwise
    corner = {90: (0, w - 1), 180: (w - 1, h - 1), 270: (h - 1, 0)}[angle]
    assert pixel(out, *corner) == pixel(plain, 0, 0)


def _edge_energy(image: Any) -> float:
    """Mean absolute horizontal neighbour difference: high for sharp images."""
    shifted = image.crop(1, 0, image.width - 1, image.height)
    return float((image.crop(0, 0, image.width - 1, image.height) - shifted).abs().avg())


def test_fill_from_image_pads_with_the_mean_colour() -> None:
    geometry = Geometry(w=Extent(300), h=Extent(300), fit=Fit.FILL, fill_from_image=True)
    out = decode(render_bytes(CHELSEA, RenderSpec(geometry=geometry, output=PNG)))
    assert (out.width, out.height) == (300, 300)
    picture = out.crop(0, 50, 300, 200)  # the fitted cat, 300 x 200, centred
    mean = [picture.extract_band(band).avg() for band in range(3)]
    assert pixel(out, 0, 0) == pytest.approx(mean, abs=1.5)
    assert pixel(out, 299, 299) == pixel(out, 0, 0)
