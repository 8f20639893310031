"""Animated renders: GIF and WebP in and out, geometry on every frame, delays kept, imgix's
frame choices (``frame``, ``interval``, ``skip``, ``reverse``, ``fps``, ``loop``), static
outputs showing one frame, and a pixel budget that counts every decoded frame."""

from __future__ import annotations

from typing import Any

import pytest
import pyvips

from enlarger.errors import TooManyPixels
from enlarger.imaging import Rendered, RenderOptions, probe, render
from enlarger.imaging.animation import chosen_frames
from enlarger.spec.imgix import parse
from enlarger.spec.model import Animation
from tests.support.images import decode, fixture, pixel
from tests.unit.imaging.test_frames import COLOURS, DELAYS, animated

#: real animations (Pillow's test image, 64x64, see tests/fixtures/LICENSES.md).
REAL = {"gif": "edge/anim_iss634_64x16.gif", "webp": "edge/anim_iss634_64x16.webp"}


def rendered(data: bytes, query: str, **options: Any) -> Rendered:
    return render(data, parse(query), frozenset(), RenderOptions(**options))


def pages(data: bytes) -> Any:
    """Every frame of an encoded animation, stacked, as its own decoder reads it."""
    return pyvips.Image.new_from_buffer(data, "", n=-1).copy_memory()


def frame_count(image: Any) -> int:
    return int(image.get("n-pages")) if image.get_typeof("n-pages") else 1


def frame_colours(image: Any) -> list[list[float]]:
    height = int(image.get("page-height"))
    return [
        pixel(image, image.width // 2, index * height + height // 2)[:3]
        for index in range(image.height // height)
    ]


@pytest.mark.parametrize(
    ("animation", "frames", "chosen"),
    [
        (Animation(), 5, [0, 1, 2, 3, 4]),
        (Animation(frames=(2, 4)), 5, [1, 2, 3]),
        (Animation(frames=(3, 0)), 5, [2, 3, 4]),
        (Animation(frames=(9, 9)), 5, [4]),
        (Animation(interval=2), 5, [0, 2, 4]),
        (Animation(skip=2), 5, [1, 3]),
        (Animation(skip=1), 5, [0]),
        (Animation(reverse=True, frames=(1, 3)), 5, [2, 1, 0]),
    ],
)
def test_chosen_frames_follow_imgix(animation: Animation, frames: int, chosen: list[int]) -> None:
    assert chosen_frames(frames, animation) == chosen


def test_a_real_gif_stays_animated_resized_on_every_frame_with_its_delays() -> None:
    data = fixture(REAL["gif"])
    source = probe(data)
    assert (source.frames, source.width) == (16, 64)
    result = rendered(data, "w=32")
    out = pages(result.data)
    assert (result.format.value, result.width, result.height) == ("gif", 32, 32)
    assert (frame_count(out), out.width, out.get("page-height")) == (16, 32, 32)
    assert tuple(out.get("delay")) == source.delays


def test_a_real_webp_stays_animated_and_keeps_its_running_time() -> None:
    data = fixture(REAL["webp"])
    source = probe(data)
    assert source.frames == 14
    out = pages(rendered(data, "w=40&h=20&fit=crop").data)
    assert (out.width, out.get("page-height")) == (40, 20)
    # libwebp merges identical neighbouring frames (adding their delays): the time stays
    assert sum(out.get("delay")) == sum(source.delays)


@pytest.mark.parametrize(("source", "target"), [("gif", "webp"), ("webp", "gif")])
def test_every_frame_is_cropped_alike_across_formats(source: str, target: str) -> None:
    result = rendered(animated(source), f"fm={target}&w=30&h=30&fit=crop&flip=h")
    out = pages(result.data)
    assert (frame_count(out), out.width, out.get("page-height")) == (3, 30, 30)
    assert tuple(out.get("delay")) == DELAYS
    for got, colour in zip(frame_colours(out), COLOURS, strict=True):
        assert got == pytest.approx(colour, abs=8)


def test_reverse_fps_and_loop() -> None:
    out = pages(rendered(animated("gif"), "reverse=true&fps=20&loop=3").data)
    for got, colour in zip(frame_colours(out), reversed(COLOURS), strict=True):
        assert got == pytest.approx(colour, abs=8)
    assert list(out.get("delay")) == [50, 50, 50]
    assert out.get("loop") == 3


def test_a_span_and_interval_choose_frames_and_their_delays() -> None:
    out = pages(rendered(animated("webp"), "frame=2-").data)
    assert tuple(out.get("delay")) == DELAYS[1:]
    assert frame_colours(out)[0] == pytest.approx(COLOURS[1], abs=8)
    one = pages(rendered(animated("gif"), "interval=2&skip=2").data)
    # interval=2 keeps frames 1 and 3; skip=2 then drops the first of those
    assert frame_count(one) == 1
    assert pixel(one, 30, 20)[:3] == pytest.approx(COLOURS[2], abs=8)


@pytest.mark.parametrize("fmt", ["png", "jpg"])
def test_static_outputs_get_one_frame_the_chosen_one(fmt: str) -> None:
    first = decode(rendered(fixture(REAL["gif"]), f"fm={fmt}&w=20").data)
    assert (first.width, first.height) == (20, 20)
    second = decode(rendered(animated("gif"), f"fm={fmt}&frame=2").data)
    assert (second.width, second.height) == (60, 40)
    assert pixel(second, 30, 20)[:3] == pytest.approx(COLOURS[1], abs=8)


def test_the_pixel_budget_counts_every_decoded_frame() -> None:
    data = fixture(REAL["gif"])
    budget = 64 * 64 * 10  # the first frame fits, all 16 do not
    with pytest.raises(TooManyPixels) as caught:
        rendered(data, "w=32", max_source_pixels=budget)
    assert caught.value.status == 422
    assert caught.value.details["frames"] == 16
    assert "16 frames of 64x64" in str(caught.value)
    assert rendered(data, "w=32&fm=png", max_source_pixels=budget).height == 32
