"""Padding (solid, blur, clamp) and rotation: the pixels around and under the image."""

from __future__ import annotations

import dataclasses

import pytest
import pyvips

from enlarger.spec.model import Color, Format, Output, RenderSpec
from enlarger.spec.plan import Box, Pad, Plan
from tests.support.images import decode, fixture, mean_abs_diff, pixel
from tests.unit.imaging.conftest import RunPlan

CHELSEA = fixture("skimage_chelsea_225.png")  # 225 x 150
WHOLE = Box(0, 0, 225, 150)


def _padded(pad: Pad, colour: Color | None = None) -> Plan:
    """The whole image at 90x60 in the middle of a 90x100 canvas (20 px above and below)."""
    return Plan(
        bounds=WHOLE,
        region=WHOLE,
        scaled=(90, 60),
        canvas=(90, 100),
        offset=(0, 20),
        pad=pad,
        pad_color=colour,
    )


def test_solid_pad_paints_the_fill_colour(run_plan: RunPlan) -> None:
    out = run_plan(CHELSEA, _padded(Pad.SOLID, Color(255, 0, 0)))
    assert (out.width, out.height, out.bands) == (90, 100, 3)
    assert pixel(out, 0, 0) == [255, 0, 0]
    assert pixel(out, 89, 99) == [255, 0, 0]
    assert mean_abs_diff(out.crop(0, 20, 90, 60), decode(CHELSEA)) < 8


def test_transparent_solid_pad_adds_alpha_for_png(run_plan: RunPlan) -> None:
    out = run_plan(CHELSEA, _padded(Pad.SOLID, Color(0, 0, 255, 0)))
    assert out.bands == 4
    assert pixel(out, 5, 5)[3] == 0
    assert pixel(out, 45, 50)[3] == 255


def test_transparent_solid_pad_is_flattened_onto_white_for_jpeg(run_plan: RunPlan) -> None:
    out = run_plan(CHELSEA, _padded(Pad.SOLID, Color(0, 0, 255, 0)), fmt=Format.JPG)
    assert out.bands == 3
    assert pixel(out, 5, 5) == [255, 255, 255]


def test_clamp_pad_repeats_the_edge_rows(run_plan: RunPlan) -> None:
    out = run_plan(CHELSEA, _padded(Pad.CLAMP))
    assert (out.width, out.height) == (90, 100)
    assert mean_abs_diff(out.crop(0, 0, 90, 20), out.crop(0, 20, 90, 1).replicate(1, 20)) == 0
    assert mean_abs_diff(out.crop(0, 80, 90, 20), out.crop(0, 79, 90, 1).replicate(1, 20)) == 0


def test_blur_pad_puts_a_blurred_copy_behind(run_plan: RunPlan) -> None:
    out = run_plan(CHELSEA, _padded(Pad.BLUR))
    image = decode(CHELSEA).resize(90 / 225)
    assert (out.width, out.height) == (90, 100)
    assert mean_abs_diff(out.crop(0, 20, 90, 60), image) < 1  # the sharp image on top
    band = out.crop(0, 0, 90, 20)
    assert band.deviate() > 1  # not a flat colour ...
    assert band.deviate() < image.deviate()  # ... but smoother than the image
    assert abs(band.avg() - image.avg()) < 40  # and made of its colours


def test_solid_grey_pad_keeps_a_greyscale_image_grey(run_plan: RunPlan) -> None:
    grey = fixture("plasma_grey_gray_320.jpg")  # 320 x 200
    plan = Plan(
        bounds=Box(0, 0, 320, 200),
        region=Box(0, 0, 320, 200),
        scaled=(80, 50),
        canvas=(80, 80),
        offset=(0, 15),
        pad=Pad.SOLID,
        pad_color=Color(10, 10, 10),
    )
    out = run_plan(grey, plan)
    assert (out.bands, out.interpretation) == (1, "b-w")
    assert pixel(out, 0, 0) == [10]
    coloured = run_plan(grey, dataclasses.replace(plan, pad_color=Color(0, 128, 0)))
    assert (coloured.bands, coloured.interpretation) == (3, "srgb")
    assert pixel(coloured, 0, 0) == [0, 128, 0]


def _rotated(angle: float, canvas: tuple[int, int] = (90, 60)) -> Plan:
    return Plan(bounds=WHOLE, region=WHOLE, scaled=canvas, canvas=canvas, rotate=angle)


def test_half_turn_is_exact(run_plan: RunPlan) -> None:
    straight = run_plan(CHELSEA, _rotated(0))
    turned = run_plan(CHELSEA, _rotated(180))
    assert (turned.width, turned.height) == (90, 60)
    assert mean_abs_diff(turned, straight.rot("d180")) == 0


def test_quarter_turn_of_a_square_is_counter_clockwise(run_plan: RunPlan) -> None:
    straight = run_plan(CHELSEA, _rotated(0, (60, 60)))
    turned = run_plan(CHELSEA, _rotated(90, (60, 60)))
    assert mean_abs_diff(turned, straight.rot("d270")) == 0
    assert mean_abs_diff(turned, straight.rot("d90")) > 10


def test_quarter_turn_of_a_landscape_canvas_covers_it(run_plan: RunPlan) -> None:
    turned = run_plan(CHELSEA, _rotated(90))
    assert (turned.width, turned.height) == (90, 60)
    assert turned.crop(0, 0, 2, 60).deviate() > 1  # image, not padding, at the edges


@pytest.mark.parametrize("angle", [10.0, 45.0, 300.0])
def test_any_angle_keeps_the_canvas_and_the_centre(run_plan: RunPlan, angle: float) -> None:
    straight = run_plan(CHELSEA, _rotated(0))
    turned = run_plan(CHELSEA, _rotated(angle))
    assert (turned.width, turned.height) == (90, 60)
    centre = [round(v) for v in pixel(straight, 45, 30)]
    assert [round(v) for v in pixel(turned, 45, 30)] == pytest.approx(centre, abs=25)
    assert mean_abs_diff(turned, straight) > 5


def test_small_turn_goes_counter_clockwise(run_plan: RunPlan) -> None:
    # a white bar along the top of a black square: turned counter-clockwise, its
    # left end rises out of view and its right end comes down.
    square = pyvips.Image.black(100, 100).draw_rect(255, 0, 30, 100, 10, fill=True)
    source = square.bandjoin([square, square]).cast("uchar").pngsave_buffer()
    plan = Plan(
        bounds=Box(0, 0, 100, 100),
        region=Box(0, 0, 100, 100),
        scaled=(100, 100),
        canvas=(100, 100),
        rotate=10,
    )
    out = run_plan(source, plan).extract_band(0)
    left_rows = [y for y in range(100) if pixel(out, 20, y)[0] > 128]
    right_rows = [y for y in range(100) if pixel(out, 80, y)[0] > 128]
    assert left_rows
    assert right_rows
    assert min(left_rows) > min(right_rows)


def test_rotation_with_bg_and_alpha_keeps_transparency(run_plan: RunPlan) -> None:
    rgba = fixture("plasma_icecold_rgba_320.png")  # 320 x 180
    plan = Plan(
        bounds=Box(0, 0, 320, 180),
        region=Box(0, 0, 320, 180),
        scaled=(80, 45),
        canvas=(80, 45),
        rotate=30,
    )
    out = run_plan(rgba, plan, spec=RenderSpec(output=Output(fm=Format.PNG)))
    assert (out.width, out.height, out.bands) == (80, 45, 4)
