"""EXIF orientation, the orient parameter (which replaces EXIF) and flips."""

from __future__ import annotations

import pytest

from enlarger.spec.model import (
    Extent,
    Flip,
    Format,
    Geometry,
    Orientation,
    Output,
    Rect,
    RenderSpec,
)
from tests.support.images import decode, fixture, has_exif, mean_abs_diff, pixel, render_bytes

PNG = Output(fm=Format.PNG)
UPRIGHT = decode(fixture("edge/hopper.webp"))


@pytest.mark.parametrize("n", range(2, 9))
def test_every_exif_orientation_comes_out_upright(n: int) -> None:
    stored = fixture(f"edge/hopper_orientation_{n}.jpg")
    out = render_bytes(stored, RenderSpec(output=PNG))
    assert mean_abs_diff(UPRIGHT, decode(out)) < 8
    assert mean_abs_diff(UPRIGHT, decode(stored)) > 30  # the stored pixels are not upright


@pytest.mark.parametrize("n", range(2, 9))
def test_exif_orientation_applies_before_a_shrink(n: int) -> None:
    spec = RenderSpec(geometry=Geometry(w=Extent(64)), output=PNG)
    out = decode(render_bytes(fixture(f"edge/hopper_orientation_{n}.jpg"), spec))
    assert (out.width, out.height) == (64, 64)
    assert mean_abs_diff(out, UPRIGHT) < 8


def test_orient_replaces_the_exif_tag() -> None:
    # orientation 6 stored pixels shown as-is (orient=1) are the raw, sideways pixels.
    stored = fixture("edge/hopper_orientation_6.jpg")
    out = decode(render_bytes(stored, RenderSpec(orientation=Orientation(orient=1), output=PNG)))
    assert mean_abs_diff(decode(stored), out) < 6
    assert mean_abs_diff(UPRIGHT, out) > 30


def test_orient_turns_a_landscape_image_to_portrait() -> None:
    source = fixture("skimage_chelsea_225.png")
    for orient in (5, 6, 7, 8, 90, 270):
        spec = RenderSpec(orientation=Orientation(orient=orient), output=PNG)
        out = decode(render_bytes(source, spec))
        assert (out.width, out.height) == (150, 225)
    turned = decode(render_bytes(source, RenderSpec(orientation=Orientation(orient=6), output=PNG)))
    assert mean_abs_diff(decode(source).rot("d90"), turned) < 1


def test_output_carries_no_exif_and_no_orientation_tag() -> None:
    out = render_bytes(
        fixture("edge/hopper_orientation_6.jpg"), RenderSpec(output=Output(fm=Format.JPG))
    )
    assert not has_exif(out)


@pytest.mark.parametrize(
    ("flip", "expected"),
    [(Flip.H, "fliphor"), (Flip.V, "flipver"), (Flip.HV, "rot180")],
)
def test_flips_mirror_the_oriented_image(flip: Flip, expected: str) -> None:
    source = fixture("skimage_chelsea_225.png")
    out = decode(render_bytes(source, RenderSpec(orientation=Orientation(flip=flip), output=PNG)))
    reference = decode(source)
    mirrored = reference.rot("d180") if expected == "rot180" else getattr(reference, expected)()
    assert pixel(out, 0, 0) == pixel(mirrored, 0, 0)
    assert mean_abs_diff(mirrored, out) < 1
    assert mean_abs_diff(reference, out) > 10


@pytest.mark.parametrize("n", range(2, 9))
def test_rect_is_taken_from_the_upright_image(n: int) -> None:
    rect = Rect(Extent(20), Extent(30), Extent(50), Extent(40))
    spec = RenderSpec(geometry=Geometry(rect=rect), output=PNG)
    out = decode(render_bytes(fixture(f"edge/hopper_orientation_{n}.jpg"), spec))
    assert (out.width, out.height) == (50, 40)
    assert mean_abs_diff(out, UPRIGHT.crop(20, 30, 50, 40)) < 10
    assert mean_abs_diff(out, UPRIGHT.crop(50, 60, 50, 40)) > 20


@pytest.mark.parametrize("flip", list(Flip))
def test_rect_is_taken_from_the_flipped_image(flip: Flip) -> None:
    source = fixture("skimage_chelsea_225.png")
    rect = Rect(Extent(10), Extent(20), Extent(100), Extent(60))
    spec = RenderSpec(geometry=Geometry(rect=rect), orientation=Orientation(flip=flip), output=PNG)
    out = decode(render_bytes(source, spec))
    flipped = decode(
        render_bytes(source, RenderSpec(orientation=Orientation(flip=flip), output=PNG))
    )
    assert (out.width, out.height) == (100, 60)
    assert mean_abs_diff(out, flipped.crop(10, 20, 100, 60)) == 0
