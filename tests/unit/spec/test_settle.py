"""Settling a spec's box against its source: every URL of one output gets one spec."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enlarger.spec.face_parts import FaceArea
from enlarger.spec.facts import SourceFacts
from enlarger.spec.geometry_parts import Trim, TrimMode
from enlarger.spec.model import Extent, Fit, Geometry, Rect, RenderSpec, Sides
from enlarger.spec.plan import make_plan
from enlarger.spec.settle import settle

PHOTO = SourceFacts(width=1920, height=1280, loader="jpeg")
MAX_SIDE = 8192


def box(w: float | None = None, h: float | None = None, **geometry: object) -> RenderSpec:
    extents = {
        "w": None if w is None else Extent(w, relative=isinstance(w, float)),
        "h": None if h is None else Extent(h, relative=isinstance(h, float)),
    }
    return RenderSpec(geometry=Geometry(**extents, **geometry))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "spec",
    [
        box(2400, 2400, fit=Fit.MAX),
        box(3400, fit=Fit.MAX),
        box(1200, 1200, fit=Fit.MAX, dpr=2.0),
        box(h=5000, fit=Fit.MAX),
        box(960, 640, fit=Fit.CLIP, dpr=2.0),
    ],
)
def test_a_box_the_source_cannot_fill_settles_as_the_source_size(spec: RenderSpec) -> None:
    settled = settle(spec, PHOTO, MAX_SIDE)
    geometry = settled.geometry
    assert (geometry.w, geometry.h, geometry.dpr) == (Extent(1920), Extent(1280), 1.0)
    assert geometry.fit is spec.geometry.fit
    assert make_plan(settled, PHOTO).scaled == (1920, 1280)


def test_boxes_of_one_output_settle_alike() -> None:
    wide = settle(box(800, fit=Fit.MAX), PHOTO, MAX_SIDE)
    tall_box = settle(box(800, 5000, fit=Fit.MAX), PHOTO, MAX_SIDE)
    half = settle(box(400, fit=Fit.MAX, dpr=2.0), PHOTO, MAX_SIDE)
    assert wide == tall_box == half
    assert make_plan(wide, PHOTO).scaled == (800, 533)


@pytest.mark.parametrize(
    "spec",
    [
        box(),  # no box at all
        box(1920, 1280, fit=Fit.MAX),  # already the output size
        box(600, 600, fit=Fit.CROP),  # a fit that cuts reads the box again (faces)
        box(600, 600, fit=Fit.FILL),  # padded to the box: the canvas is not the image
        box(1000, 1000, fit=Fit.MAX, pad=Sides(all=10)),  # the margin shrinks the box
        box(600, fit=Fit.MAX, final_scale=0.5),  # scaled after the box
        box(600, fit=Fit.MAX, trim=Trim(TrimMode.AUTO)),  # the frame is known when rendering
        box(600, 600, fit=Fit.MAX, face_area=FaceArea()),
        box(600, fit=Fit.MAX, rect=Rect(Extent(5000), Extent(0), Extent(10), Extent(10))),
    ],
)
def test_a_spec_whose_render_may_read_the_box_again_is_left_as_it_is(spec: RenderSpec) -> None:
    assert settle(spec, PHOTO, MAX_SIDE) is spec


@settings(max_examples=300, deadline=None)
@given(
    w=st.none() | st.integers(1, 6000) | st.floats(0.05, 1.5),
    h=st.none() | st.integers(1, 6000),
    dpr=st.sampled_from([1.0, 1.5, 2.0, 3.0]),
    fit=st.sampled_from([Fit.MAX, Fit.CLIP, Fit.SCALE, Fit.FILLMAX, Fit.CROP]),
    source=st.tuples(st.integers(1, 5000), st.integers(1, 5000), st.sampled_from([1, 6])),
    within=st.booleans(),
)
def test_a_settled_spec_plans_exactly_as_the_original(
    w: float | None,
    h: int | None,
    dpr: float,
    fit: Fit,
    source: tuple[int, int, int],
    within: bool,
) -> None:
    facts = SourceFacts(width=source[0], height=source[1], loader="jpeg", orientation=source[2])
    spec = box(w, h, fit=fit, dpr=dpr, within_source=within)
    settled = settle(spec, facts, MAX_SIDE)
    if settled is spec:
        return
    assert make_plan(settled, facts, MAX_SIDE) == make_plan(spec, facts, MAX_SIDE)
    assert settled.geometry.dpr == 1.0
    assert dataclasses.replace(settled, geometry=spec.geometry) == spec  # only the box moved
    assert settle(settled, facts, MAX_SIDE) is settled  # settled once for all
