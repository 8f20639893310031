"""Properties of the render planner over random valid specs and sources."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from enlarger.errors import InvalidParameter, OutputTooLarge
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import (
    Anchor,
    Crop,
    Extent,
    FillMode,
    Fit,
    FocalPoint,
    Geometry,
    Orientation,
    Rect,
    RenderSpec,
)
from enlarger.spec.plan import Box, Plan, make_plan

LIMIT = 8192
#: float slack for sub-pixel region edges computed by division.
EPS = 1e-6

pixels = st.integers(min_value=1, max_value=8192).map(Extent)
fractions = st.floats(min_value=0.001, max_value=1.0).map(lambda v: Extent(v, relative=True))
lengths = st.none() | pixels | fractions
positions = st.sampled_from(list(Anchor)) | st.integers(0, 6000).map(Extent) | fractions
rects = st.none() | st.builds(Rect, positions, positions, pixels | fractions, pixels | fractions)
ratios = st.none() | st.tuples(st.floats(0.05, 20.0), st.floats(0.05, 20.0))
bounds_px = st.none() | st.integers(1, 8192)

geometries = st.builds(
    Geometry,
    w=lengths,
    h=lengths,
    dpr=st.floats(min_value=0.1, max_value=5.0),
    min_w=bounds_px,
    min_h=bounds_px,
    max_w=bounds_px,
    max_h=bounds_px,
    ar=ratios,
    rect=rects,
    fit=st.sampled_from(list(Fit)),
    crop=st.frozensets(st.sampled_from(list(Crop))),
    focal=st.builds(FocalPoint, st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(1.0, 100.0)),
    fill=st.none() | st.sampled_from(list(FillMode)),
)
orientations = st.builds(
    Orientation,
    rot=st.floats(0.0, 359.0),
    orient=st.none() | st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 8, 90, 180, 270]),
)
sources = st.builds(
    SourceFacts,
    width=st.integers(1, 6000),
    height=st.integers(1, 6000),
    loader=st.just("jpeg"),
    orientation=st.integers(1, 8),
)


def _plan_or_none(spec: RenderSpec, facts: SourceFacts) -> Plan | None:
    try:
        return make_plan(spec, facts, LIMIT)
    except InvalidParameter as error:  # a rect outside the source, a dpr below a pixel
        details = error.details
        assert details["parameter"] in {"rect", "dpr"}
        return None
    except OutputTooLarge as error:
        details = error.details
    assert max(details["width"], details["height"]) > LIMIT
    return None


def _inside(inner: Box, outer: Box) -> bool:
    return (
        inner.left >= outer.left - EPS
        and inner.top >= outer.top - EPS
        and inner.left + inner.width <= outer.left + outer.width + EPS
        and inner.top + inner.height <= outer.top + outer.height + EPS
    )


@settings(max_examples=300, deadline=None)
@given(geometries, orientations, sources)
def test_plans_stay_in_bounds(
    geometry: Geometry, orientation: Orientation, facts: SourceFacts
) -> None:
    plan = _plan_or_none(RenderSpec(geometry=geometry, orientation=orientation), facts)
    if plan is None:
        return
    turned = plan.orientation in {5, 6, 7, 8}
    frame = Box(0, 0, *((facts.height, facts.width) if turned else (facts.width, facts.height)))
    assert _inside(plan.bounds, frame)
    assert _inside(plan.region, plan.bounds)
    assert min(plan.region.width, plan.region.height) > 0
    assert all(1 <= side <= LIMIT for side in (*plan.scaled, *plan.canvas))
    assert 0 <= plan.offset[0] <= plan.canvas[0] - plan.scaled[0]
    assert 0 <= plan.offset[1] <= plan.canvas[1] - plan.scaled[1]
    assert (plan.pad is None) == (plan.canvas == plan.scaled)
    assert 0.0 <= plan.rotate < 360.0
    assert plan.rotate_zoom >= 1.0 - EPS


def _px(value: float) -> int:
    return max(1, math.floor(value + 0.5))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([Fit.SCALE, Fit.CROP, Fit.FILL]),
    st.integers(1, 3000),
    st.integers(1, 3000),
    st.floats(min_value=0.1, max_value=5.0),
    geometries,
    sources,
)
def test_exact_fits_give_exactly_the_requested_canvas(
    fit: Fit, width: int, height: int, dpr: float, others: Geometry, facts: SourceFacts
) -> None:
    geometry = Geometry(
        w=Extent(width),
        h=Extent(height),
        dpr=dpr,
        fit=fit,
        ar=others.ar,
        rect=others.rect,
        crop=others.crop,
        focal=others.focal,
        fill=others.fill,
    )
    plan = _plan_or_none(RenderSpec(geometry=geometry), facts)
    if plan is not None:
        assert plan.canvas == (_px(width * dpr), _px(height * dpr))
