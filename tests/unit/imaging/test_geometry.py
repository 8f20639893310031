"""Region, resize and smart crop on hand-built Plans: sizes, which pixels, and how big
the decode was (shrink-on-load)."""

from __future__ import annotations

import pytest
import pyvips

from enlarger.imaging.probe import probe
from enlarger.imaging.state import Run
from enlarger.imaging.steps.load import load, load_size
from enlarger.spec.model import Format, RenderSpec
from enlarger.spec.plan import Box, Interest, Plan
from tests.support.images import decode, fixture, mean_abs_diff
from tests.unit.imaging.conftest import RunPlan

CHELSEA = fixture("skimage_chelsea_225.png")  # 225 x 150
WHOLE = Box(0, 0, 225, 150)


def _plan(region: Box, scaled: tuple[int, int], bounds: Box = WHOLE) -> Plan:
    return Plan(bounds=bounds, region=region, scaled=scaled, canvas=scaled)


@pytest.mark.parametrize("scaled", [(100, 67), (225, 150), (450, 300), (7, 5), (300, 40)])
def test_whole_image_resized_to_exactly_scaled(run_plan: RunPlan, scaled: tuple[int, int]) -> None:
    out = run_plan(CHELSEA, _plan(WHOLE, scaled))
    assert (out.width, out.height) == scaled
    assert mean_abs_diff(out, decode(CHELSEA)) < (12 if min(scaled) > 20 else 40)


def test_region_shows_those_source_pixels(run_plan: RunPlan) -> None:
    region = Box(100, 50, 80, 60)
    out = run_plan(CHELSEA, _plan(region, (80, 60)))
    expected = decode(CHELSEA).crop(100, 50, 80, 60)
    assert mean_abs_diff(out, expected) < 0.5
    assert mean_abs_diff(out, decode(CHELSEA).crop(0, 0, 80, 60)) > 10


def test_region_of_a_shrunk_decode_matches_the_full_size_crop(run_plan: RunPlan) -> None:
    region = Box(110, 40, 100, 100)
    out = run_plan(CHELSEA, _plan(region, (50, 50)))
    assert (out.width, out.height) == (50, 50)
    assert mean_abs_diff(out, decode(CHELSEA).crop(110, 40, 100, 100)) < 6


def test_separate_axis_scales_for_fit_scale(run_plan: RunPlan) -> None:
    out = run_plan(CHELSEA, _plan(WHOLE, (50, 150)))
    assert (out.width, out.height) == (50, 150)
    squeezed = decode(CHELSEA).resize(50 / 225, vscale=1.0)
    assert mean_abs_diff(out, squeezed) < 4


def test_upscale_of_a_tiny_region_enlarges_only_the_region(run_plan: RunPlan) -> None:
    out = run_plan(CHELSEA, _plan(Box(10, 10, 8, 6), (400, 300)))
    assert (out.width, out.height) == (400, 300)
    assert mean_abs_diff(out, decode(CHELSEA).crop(10, 10, 8, 6)) < 8


@pytest.mark.parametrize(
    ("region", "scaled", "expected"),
    [
        (WHOLE, (45, 30), (45, 30)),  # downscale: decode at the output's scale
        (Box(0, 0, 112.5, 75), (45, 30), (90, 60)),  # half the image: decode at 0.4
        (WHOLE, (450, 300), (225, 150)),  # upscale: never decode above full size
        (Box(10, 10, 8, 6), (400, 300), (225, 150)),
    ],
)
def test_load_size_follows_the_plan_scale(
    region: Box, scaled: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert load_size(probe(CHELSEA), _plan(region, scaled)) == expected


def test_large_jpeg_is_shrunk_on_load(run_plan: RunPlan) -> None:
    big = pyvips.Image.gaussnoise(2000, 1500).cast("uchar").bandjoin([128, 128])
    data = big.jpegsave_buffer(Q=50)
    out = run_plan(data, _plan(Box(0, 0, 2000, 1500), (100, 75), bounds=Box(0, 0, 2000, 1500)))
    assert (out.width, out.height) == (100, 75)


def _busy_patch_source() -> bytes:
    """A flat grey 300x200 image with one noisy 40x40 patch at (200, 120)."""
    flat = pyvips.Image.black(300, 200).new_from_image([120, 120, 120]).cast("uchar")
    noise = pyvips.Image.gaussnoise(40, 40, mean=128, sigma=80).cast("uchar")
    patch = noise.bandjoin([noise, noise])
    data: bytes = flat.insert(patch, 200, 120).pngsave_buffer()
    return data


@pytest.mark.parametrize("interest", list(Interest))
def test_smart_crop_finds_the_busy_patch(run_plan: RunPlan, interest: Interest) -> None:
    source = _busy_patch_source()
    plan = Plan(
        bounds=Box(0, 0, 300, 200),
        region=Box(0, 0, 60, 60),
        scaled=(60, 60),
        canvas=(60, 60),
        interest=interest,
    )
    out = run_plan(source, plan)
    assert (out.width, out.height) == (60, 60)
    assert out.deviate() > 30  # the patch is in view, not the flat grey


def test_smart_crop_stays_inside_bounds(run_plan: RunPlan) -> None:
    source = _busy_patch_source()
    plan = Plan(
        bounds=Box(0, 0, 150, 200),  # the left half: flat grey only
        region=Box(0, 0, 60, 60),
        scaled=(60, 60),
        canvas=(60, 60),
        interest=Interest.ENTROPY,
    )
    out = run_plan(source, plan)
    assert (out.width, out.height) == (60, 60)
    assert out.deviate() < 1
    assert out.avg() == pytest.approx(120, abs=1)


def _loaded(data: bytes, plan: Plan) -> Run:
    return load(Run(data=data, spec=RenderSpec(), facts=probe(data), plan=plan, format=Format.PNG))


def test_load_keeps_only_the_region_of_an_upscale() -> None:
    loaded = _loaded(CHELSEA, _plan(Box(10, 10, 8, 6), (400, 300)))
    assert (loaded.image.width, loaded.image.height) == (8, 6)
    assert loaded.view == Box(10, 10, 8, 6)


def test_load_keeps_only_the_region_of_a_shrink_rounded_outward() -> None:
    loaded = _loaded(CHELSEA, _plan(Box(101, 51, 60, 40), (30, 20)))  # decoded at ~half size
    assert (loaded.image.width, loaded.image.height) == (31, 21)
    view = loaded.view
    assert 99 < view.left <= 101
    assert 49 < view.top <= 51
    assert 161 <= view.left + view.width < 163
    assert 91 <= view.top + view.height < 93


def test_load_keeps_the_bounds_of_a_smart_crop() -> None:
    bounds = Box(20, 10, 150, 100)
    plan = Plan(
        bounds=bounds,
        region=Box(20, 10, 100, 100),
        scaled=(100, 100),
        canvas=(100, 100),
        interest=Interest.ENTROPY,
    )
    loaded = _loaded(CHELSEA, plan)
    assert (loaded.image.width, loaded.image.height) == (150, 100)
    assert loaded.view == bounds


def test_load_maps_the_region_through_the_exif_orientation() -> None:
    hopper = fixture("edge/hopper_orientation_6.jpg")  # 128 x 128, turned on display
    plan = Plan(
        bounds=Box(0, 0, 128, 128),
        region=Box(0, 0, 64, 32),
        scaled=(64, 32),
        canvas=(64, 32),
        orientation=6,
    )
    loaded = _loaded(hopper, plan)
    assert (loaded.image.width, loaded.image.height) == (32, 64)  # still the stored frame
    assert loaded.view == Box(0, 0, 64, 32)
