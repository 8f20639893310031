"""The analyse stage: an analyser may replan before load, and the pipeline then renders
the new Plan; with none (the default) the Plan stays as made."""

from __future__ import annotations

import dataclasses

import pyvips

from enlarger.imaging.analyse import glance, replan
from enlarger.imaging.pipeline import ANALYSERS, run_steps
from enlarger.imaging.probe import probe
from enlarger.imaging.state import Run
from enlarger.spec.model import Extent, Format, Geometry, Rect, RenderSpec
from enlarger.spec.plan import Plan, make_plan

#: a white 40x32 square at (120, 48) on a black 200x100 image.
SQUARE = (120, 48, 40, 32)


def _square_on_black() -> bytes:
    canvas = pyvips.Image.black(200, 100).draw_rect(255, *SQUARE, fill=True)
    data: bytes = canvas.cast("uchar").colourspace("srgb").pngsave_buffer()
    return data


def trim_to_content(run: Run) -> Plan | None:
    """A test-only trim: the Plan of the spec as if ``rect`` were the non-black content."""
    look = glance(run, side=50)
    left, top, width, height = look.find_trim(threshold=128, background=[0, 0, 0])
    scale = run.facts.width / look.width
    rect = Rect(*(Extent(round(v * scale)) for v in (left, top, width, height)))
    spec = dataclasses.replace(run.spec, geometry=dataclasses.replace(run.spec.geometry, rect=rect))
    return make_plan(spec, run.facts)


def leave_it(_: Run) -> Plan | None:
    return None


def _run(spec: RenderSpec) -> Run:
    data = _square_on_black()
    facts = probe(data)
    return Run(data, spec, facts, make_plan(spec, facts), Format.PNG)


def test_the_analysers_leave_a_render_that_asks_for_none_alone() -> None:
    start = _run(RenderSpec())
    assert replan(start, ANALYSERS) is start


def test_the_replanned_region_is_what_is_rendered() -> None:
    start = _run(RenderSpec())
    plain = run_steps(start).image
    trimmed = run_steps(start, analysers=[leave_it, trim_to_content, leave_it]).image
    assert (plain.width, plain.height) == (200, 100)
    assert plain.min() == 0
    assert (trimmed.width, trimmed.height) == SQUARE[2:]
    assert trimmed.min() > 200  # only the square's white pixels


def test_the_replanned_region_is_then_sized_as_the_spec_asks() -> None:
    start = _run(RenderSpec(geometry=Geometry(w=Extent(20))))
    trimmed = run_steps(start, analysers=[trim_to_content]).image
    assert (trimmed.width, trimmed.height) == (20, 16)
    assert trimmed.min() > 200


def test_glance_is_the_oriented_frame_shrunk_on_load() -> None:
    look = glance(_run(RenderSpec()), side=50)
    assert (look.width, look.height) == (50, 25)
