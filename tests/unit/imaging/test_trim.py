"""The trim analyser in colour mode: borders of a corner's colour are cut before the Plan."""

from __future__ import annotations

from typing import Any

import pytest
import pyvips

from enlarger.spec.model import (
    Extent,
    Format,
    Geometry,
    Output,
    Rect,
    RenderSpec,
    Trim,
    TrimMode,
    TrimSample,
)
from tests.support.images import decode, pixel, render_bytes

PNG = Output(fm=Format.PNG)


def _framed() -> bytes:
    """100 x 80 white, a 30 x 20 red block at (10, 15), a grey dot at the bottom right."""
    white = pyvips.Image.black(100, 80, bands=3).new_from_image([255, 255, 255])
    red = pyvips.Image.black(30, 20, bands=3).new_from_image([255, 0, 0])
    grey = pyvips.Image.black(1, 1, bands=3).new_from_image([250, 250, 250])
    framed = white.insert(red, 10, 15).insert(grey, 99, 79).copy(interpretation="srgb")
    data: bytes = framed.pngsave_buffer()
    return data


def _trimmed(trim: Trim, **geometry: Any) -> Any:
    spec = RenderSpec(geometry=Geometry(trim=trim, **geometry), output=PNG)
    return decode(render_bytes(_framed(), spec))


def test_the_borders_of_the_corner_colour_are_cut() -> None:
    out = _trimmed(
        Trim(TrimMode.COLOR, tolerance=10, sample=TrimSample.TOP_LEFT)
    )  # the grey dot is within the tolerance
    assert (out.width, out.height) == (30, 20)
    assert pixel(out, 0, 0) == [255, 0, 0]


def test_without_tolerance_the_dot_is_content() -> None:
    out = _trimmed(Trim(TrimMode.COLOR, sample=TrimSample.TOP_LEFT))
    assert (out.width, out.height) == (90, 65)


def test_the_bottom_right_sample_keeps_what_differs_from_it() -> None:
    out = _trimmed(Trim(TrimMode.COLOR, sample=TrimSample.BOTTOM_RIGHT))
    assert (out.width, out.height) == (100, 80)  # white differs from the grey dot


def test_a_region_is_taken_within_the_trimmed_image_and_sizes_follow() -> None:
    rect = Rect(Extent(5), Extent(5), Extent(100), Extent(100))
    out = _trimmed(Trim(TrimMode.COLOR, tolerance=10, sample=TrimSample.TOP_LEFT), rect=rect)
    assert (out.width, out.height) == (25, 15)
    half = _trimmed(Trim(TrimMode.COLOR, tolerance=10, sample=TrimSample.TOP_LEFT), w=Extent(15))
    assert (half.width, half.height) == (15, 10)


@pytest.mark.parametrize("sample", list(TrimSample))
def test_a_plain_image_is_left_alone(sample: TrimSample) -> None:
    plain = pyvips.Image.black(40, 30, bands=3).new_from_image([9, 9, 9]).pngsave_buffer()
    spec = RenderSpec(geometry=Geometry(trim=Trim(TrimMode.COLOR, sample=sample)), output=PNG)
    out = decode(render_bytes(plain, spec))
    assert (out.width, out.height) == (40, 30)
