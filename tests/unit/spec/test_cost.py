"""The pixel cost the render pool admits by: the estimate before reading, the real cost after."""

from __future__ import annotations

import pytest

from enlarger.spec.cost import (
    decoded_pixels,
    estimate,
    is_heavy,
    jpeg_encoder_bytes,
    render_cost,
)
from enlarger.spec.facts import SourceFacts
from enlarger.spec.imgix import parse
from enlarger.spec.model import Format, Output
from enlarger.spec.plan import make_plan

PHOTO = SourceFacts(width=6000, height=4000, loader="jpeg")


@pytest.mark.parametrize(
    ("query", "source_bytes", "expected"),
    [
        ("", 3_000_000, 1_000_000),  # nothing asked: the source's bytes only
        ("w=500&h=400", 0, 200_000),
        ("w=500&h=400&dpr=2", 0, 800_000),
        ("w=1000", 0, 1_000_000),  # one side: taken as a square
        ("w=0.5", 0, 0),  # relative: unknown before the header
        ("w=1000&h=1000&fm=avif", 300, 8_000_100),
        ("w=1000&h=1000&fm=webp&lossless=1", 0, 8_000_000),
        ("w=1000&h=1000&fm=webp", 0, 1_000_000),
    ],
)
def test_estimate_before_reading(query: str, source_bytes: int, expected: int) -> None:
    assert estimate(parse(query), source_bytes) == expected


@pytest.mark.parametrize(
    ("fmt", "lossless", "heavy"),
    [
        (Format.AVIF, False, True),
        (Format.GIF, False, True),
        (Format.WEBP, True, True),
        (Format.WEBP, False, False),
        (Format.JPG, False, False),
        (Format.PNG, True, False),
    ],
)
def test_heavy_encoders(fmt: Format, lossless: bool, heavy: bool) -> None:
    assert is_heavy(fmt, Output(lossless=lossless)) is heavy


@pytest.mark.parametrize(
    ("query", "loader", "decoded"),
    [
        ("w=600", "jpeg", 6000 * 4000 // 64),  # shrink on load by 8
        ("w=2000", "jpeg", 6000 * 4000 // 4),  # by 2 (3x asked: JPEG has no 3)
        ("w=600", "png", 6000 * 4000),  # no shrink on load
        ("w=600", "webp", 600 * 400),  # WebP shrinks to any size
        ("w=8000&fit=max", "jpeg", 6000 * 4000),  # never enlarged
    ],
)
def test_decoded_pixels_follow_shrink_on_load(query: str, loader: str, decoded: int) -> None:
    plan = make_plan(parse(query), PHOTO)
    assert decoded_pixels(plan, loader) == decoded


def test_render_cost_adds_source_decoded_and_weighted_output() -> None:
    plan = make_plan(parse("w=600&fm=avif"), PHOTO)
    cost = render_cost(plan, "jpeg", Format.AVIF, Output(), source_bytes=3_000_000)
    assert cost == 1_000_000 + 6000 * 4000 // 64 + 600 * 400 * 8


def test_render_cost_counts_a_progressive_jpegs_coefficients_at_two_bytes() -> None:
    plan = make_plan(parse("w=512&fm=jpg"), PHOTO)
    plain = render_cost(plan, "jpeg", Format.JPG, Output(), source_bytes=3_000_000)
    held = 6000 * 4000 * 3 // 2
    progressive = render_cost(
        plan, "jpeg", Format.JPG, Output(), source_bytes=3_000_000, coefficients=held
    )
    assert progressive - plain == held * 2 // 3


@pytest.mark.parametrize(
    ("query", "held", "encoder_bytes"),
    [
        ("w=600", False, 0),  # a streaming encoder holds a few rows only
        ("w=600", True, int(600 * 400 * 5.5)),  # 4:2:0
        ("w=600&chromasub=444", True, 600 * 400 * 11),
    ],
)
def test_a_buffering_jpeg_encoder_holds_the_whole_outputs_coefficients(
    query: str, held: bool, encoder_bytes: int
) -> None:
    spec = parse(query)
    plan = make_plan(spec, PHOTO)
    assert jpeg_encoder_bytes(plan, spec.output, held) == encoder_bytes
    streamed = render_cost(plan, "jpeg", Format.JPG, spec.output, source_bytes=0)
    buffered = render_cost(
        plan, "jpeg", Format.JPG, spec.output, source_bytes=0, encoder_bytes=encoder_bytes
    )
    assert buffered - streamed == encoder_bytes // 3
