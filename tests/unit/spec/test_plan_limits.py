"""Requests the Plan refuses before any pixel is read: too many output pixels, a ``rect``
outside the source, a ``dpr`` that leaves less than a pixel."""

from __future__ import annotations

import pytest

from enlarger.errors import InvalidParameter, OutputTooLarge
from enlarger.spec.facts import SourceFacts
from enlarger.spec.imgix import parse
from enlarger.spec.plan import Box, make_plan

SMALL_PHOTO = SourceFacts(640, 427, loader="jpeg")


def test_an_absurd_upscale_is_refused_by_area() -> None:
    spec = parse("w=8192&h=8192&fit=scale")  # each side within 8192: 67 MP
    with pytest.raises(OutputTooLarge) as refused:
        make_plan(spec, SMALL_PHOTO, 8192, 40_000_000)
    assert refused.value.status == 400
    assert refused.value.details["max_output_pixels"] == 40_000_000
    assert "8192x8192 = 67108864 pixels" in refused.value.message
    assert make_plan(parse("w=6000&fit=scale&h=6000"), SMALL_PHOTO, 8192, 40_000_000)


@pytest.mark.parametrize("rect", ["640,0,10,10", "0,427,10,10", "700,500,10,10", "1.0,0,0.5,0.5"])
def test_a_rect_entirely_outside_the_image_is_a_400(rect: str) -> None:
    with pytest.raises(InvalidParameter) as refused:
        make_plan(parse(f"rect={rect}"), SMALL_PHOTO)
    assert refused.value.details["parameter"] == "rect"
    assert "640x427" in refused.value.message


def test_a_rect_that_overlaps_the_edge_is_clipped_to_the_image() -> None:
    assert make_plan(parse("rect=630,420,50,50"), SMALL_PHOTO).bounds == Box(630, 420, 10, 7)


@pytest.mark.parametrize("query", ["w=2&dpr=0.2", "h=3&dpr=0.1", "w=640&h=3&fit=scale&dpr=0.1"])
def test_a_dpr_that_leaves_less_than_a_pixel_is_a_400(query: str) -> None:
    with pytest.raises(InvalidParameter) as refused:
        make_plan(parse(query), SMALL_PHOTO)
    assert refused.value.details["parameter"] == "dpr"


def test_a_small_dpr_that_leaves_a_pixel_renders() -> None:
    assert make_plan(parse("w=2&dpr=0.5"), SMALL_PHOTO).canvas == (1, 1)
