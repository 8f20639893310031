"""One spec per output: a box the source cannot fill, said as the size it gives.

Many URLs render the same bytes. ``fit=max&w=2400`` and ``fit=max&w=3000&dpr=2`` on a
1920 px photo both give the photo at its own size, and ``w=800`` and ``w=800&h=5000``
give the same 800 px wide landscape. Once a source's header is known, ``settle`` rewrites
such a spec's box (``w``, ``h``, ``dpr``) as the output size its Plan gives, so every one
of those URLs names the same render: concurrent requests of any of them share one
(single-flight). Each URL keeps its own ETag and cache entries (``http/render.py``).

It only settles a spec whose pixels depend on the box through the Plan alone (a fit that
does not cut, no trim, no face area: those read the box again while rendering), and only
when the rewritten spec's Plan is the same as the original's.
"""

from __future__ import annotations

import dataclasses

from enlarger.errors import ClientError
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import RenderSpec
from enlarger.spec.plan import CROPPING_FITS, make_plan
from enlarger.spec.values import Extent


def settle(
    spec: RenderSpec,
    facts: SourceFacts,
    max_output_side: int,
    max_output_pixels: int | None = None,
) -> RenderSpec:
    """``spec`` with its box as the output size it gives ``facts``' source, when that
    renders the same; else ``spec`` itself."""
    geometry = spec.geometry
    if (
        (geometry.w is None and geometry.h is None)
        or geometry.fit in CROPPING_FITS
        or geometry.trim is not None
        or geometry.face_area is not None
    ):
        return spec
    try:
        plan = make_plan(spec, facts, max_output_side, max_output_pixels)
        width, height = plan.scaled
        box = dataclasses.replace(geometry, w=Extent(width), h=Extent(height), dpr=1.0)
        if box == geometry:
            return spec
        settled = dataclasses.replace(spec, geometry=box)
        same = make_plan(settled, facts, max_output_side, max_output_pixels) == plan
    except ClientError:  # the render refuses it, with this spec's own words
        return spec
    return settled if same else spec
