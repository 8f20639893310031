"""The analyse stage: content-dependent replanning (trim, faces) before the load step.

An analyser sees the ``Run`` before anything is decoded for it and may return a new
``Plan`` (say, a region cut to the trimmed content) or None to leave it. One that needs
pixels takes a cheap look with ``glance``; an analyser the spec does not ask for returns
None before decoding anything, so renders that need no analysis cost what they did.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from enlarger.imaging.frame import oriented_size
from enlarger.imaging.state import Run
from enlarger.imaging.steps.orient import oriented
from enlarger.imaging.thumbnail import thumbnail
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Flip
from enlarger.spec.plan import Plan

Replan = Callable[[Run], Plan | None]

#: the side of ``glance``'s decode: enough to find edges and faces, cheap to decode.
GLANCE_SIDE = 256


def replan(run: Run, analysers: Sequence[Replan]) -> Run:
    """``run`` with the Plan each analyser returns, in order (the last one wins)."""
    for analyse in analysers:
        plan = analyse(run)
        if plan is not None:
            run = dataclasses.replace(run, plan=plan)
    return run


def glance(run: Run, side: int = GLANCE_SIDE) -> Any:
    """The source's first frame in the Plan's oriented frame, fitted within ``side`` px.

    Shrunk on load, never enlarged; a pixel of it is ``oriented width / its width``
    source pixels wide.
    """
    return glance_at(run.data, run.facts, run.plan.orientation, run.spec.orientation.flip, side)


def glance_at(
    data: bytes, facts: SourceFacts, orientation: int, flip: Flip | None, side: int
) -> Any:
    """``glance`` of ``data`` turned by EXIF ``orientation``, then flipped."""
    width, height = oriented_size(facts.width, facts.height, orientation)
    factor = min(1.0, side / max(width, height))
    stored = oriented_size(
        max(1, round(width * factor)), max(1, round(height * factor)), orientation
    )
    image = thumbnail(data, facts, *stored, no_rotate=True)
    return oriented(image, orientation, flip)
