"""Animated sources: the probe's frame count and delays, the load step's all-frames
decode (stacked, each frame cut alike), and renders that still show the first frame."""

from __future__ import annotations

import dataclasses

import pytest
import pyvips

from enlarger.imaging import RenderOptions, probe, render
from enlarger.imaging.state import Run
from enlarger.imaging.steps.load import load
from enlarger.spec.model import Extent, Format, Geometry, RenderSpec
from enlarger.spec.plan import Box, Plan
from tests.support.images import decode, fixture, pixel

#: one solid colour per frame, far apart so that GIF's palette keeps them.
COLOURS = ([255, 0, 0], [0, 255, 0], [0, 0, 255])
DELAYS = (100, 250, 40)
SIZE = (60, 40)


def animated(fmt: str) -> bytes:
    """A 60x40 animation of ``COLOURS`` with ``DELAYS``, written by libvips as ``fmt``."""
    frames = [pyvips.Image.black(*SIZE).new_from_image(colour) for colour in COLOURS]
    stack = pyvips.Image.arrayjoin(frames, across=1).cast("uchar").copy()
    stack.set_type(pyvips.GValue.gint_type, "page-height", SIZE[1])
    stack.set_type(pyvips.GValue.array_int_type, "delay", list(DELAYS))
    data: bytes = getattr(stack, f"{fmt}save_buffer")()
    return data


def _frame_colour(image: pyvips.Image, index: int, page_height: int) -> list[float]:
    return pixel(image, image.width // 2, index * page_height + page_height // 2)


@pytest.mark.parametrize("fmt", ["gif", "webp"])
def test_probe_counts_frames_and_their_delays(fmt: str) -> None:
    facts = probe(animated(fmt))
    assert (facts.width, facts.height) == SIZE
    assert (facts.frames, facts.delays) == (3, DELAYS)


def test_a_still_has_one_frame_and_no_delays() -> None:
    facts = probe(fixture("skimage_chelsea_225.png"))
    assert (facts.frames, facts.delays) == (1, ())


@pytest.mark.parametrize("fmt", ["gif", "webp"])
def test_all_frames_are_decoded_stacked_at_the_plan_scale_and_cut_alike(fmt: str) -> None:
    data = animated(fmt)
    region = Box(20, 10, 30, 20)  # in full-size pixels; the Plan halves it
    plan = Plan(bounds=Box(0, 0, *SIZE), region=region, scaled=(15, 10), canvas=(15, 10))
    first = Run(data, RenderSpec(), probe(data), plan, Format.PNG)
    one = load(first).image
    every = load(dataclasses.replace(first, all_frames=True))
    assert (one.width, one.height) == (15, 10)
    assert (every.image.width, every.image.height) == (15, 30)
    assert every.image.get("page-height") == 10
    assert every.view == load(first).view
    for index, colour in enumerate(COLOURS):
        assert _frame_colour(every.image, index, 10)[:3] == pytest.approx(colour, abs=8)
    assert _frame_colour(one, 0, 10)[:3] == pytest.approx(COLOURS[0], abs=8)


def test_all_frames_of_a_still_is_the_still() -> None:
    data = fixture("skimage_chelsea_225.png")
    plan = Plan(
        bounds=Box(0, 0, 225, 150), region=Box(0, 0, 225, 150), scaled=(90, 60), canvas=(90, 60)
    )
    run = Run(data, RenderSpec(), probe(data), plan, Format.PNG)
    still = load(run).image
    every = load(dataclasses.replace(run, all_frames=True)).image
    assert (every.width, every.height) == (still.width, still.height) == (90, 60)
    assert every.avg() == still.avg()


@pytest.mark.parametrize("fmt", ["gif", "webp"])
def test_renders_show_the_first_frame_by_default(fmt: str) -> None:
    spec = RenderSpec(geometry=Geometry(w=Extent(30)))
    out = decode(render(animated(fmt), spec, frozenset(), RenderOptions()).data)
    assert (out.width, out.height) == (30, 20)
    assert pixel(out, 15, 10)[:3] == pytest.approx(COLOURS[0], abs=8)
