"""The trim analyser: ``geometry.trim`` cuts the source's borders before the Plan.

The oriented source is decoded at full size, compared with its corner pixel, and the
bounding box of everything further than ``tolerance`` from it (in any band) becomes the
spec's ``rect`` (a ``rect`` already there is taken within it, as thumbor takes a manual
crop within the trimmed image); the Plan is then made again. Nothing to keep (a plain
image) leaves the Plan alone, as thumbor does.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from enlarger.errors import ClientError
from enlarger.imaging.analyse import glance
from enlarger.imaging.state import Run
from enlarger.spec.model import Extent, Rect, RenderSpec, TrimSample
from enlarger.spec.plan import Box, Plan, make_plan


def trim(run: Run) -> Plan | None:
    cut = run.spec.geometry.trim
    if cut is None:
        return None
    facts = run.facts
    image = glance(run, side=max(facts.width, facts.height))
    x, y = (0, 0) if cut.sample is TrimSample.TOP_LEFT else (image.width - 1, image.height - 1)
    bands = (image - list(image(x, y))).abs().bandsplit()
    farthest = bands[0].bandrank(bands[1:], index=len(bands) - 1) if len(bands) > 1 else bands[0]
    box = _bounds(farthest > cut.tolerance)
    if box is None:
        return None
    return make_plan(_within(run.spec, box), facts)


def _bounds(mask: Any) -> Box | None:
    """The bounding box of the mask's non-zero pixels, or None when there are none."""
    columns, rows = mask.project()
    xs = [i for i, total in enumerate(columns.tolist()[0]) if total]
    ys = [i for i, (total,) in enumerate(rows.tolist()) if total]
    if not xs:
        return None
    return Box(xs[0], ys[0], xs[-1] + 1 - xs[0], ys[-1] + 1 - ys[0])


def _within(spec: RenderSpec, box: Box) -> RenderSpec:
    """``spec`` with ``rect`` set to ``box``, or to its own ``rect`` taken inside ``box``."""
    rect = spec.geometry.rect
    if rect is None:
        rect = Rect(Extent(0), Extent(0), Extent(box.width), Extent(box.height))
    if not isinstance(rect.x, Extent) or not isinstance(rect.y, Extent):
        raise ClientError("trim with a region placed by keywords is not supported")
    left, top = box.left + rect.x.resolve(box.width), box.top + rect.y.resolve(box.height)
    width = min(rect.w.resolve(box.width), box.left + box.width - left)
    height = min(rect.h.resolve(box.height), box.top + box.height - top)
    moved = Rect(Extent(left), Extent(top), Extent(width), Extent(height))
    return dataclasses.replace(spec, geometry=dataclasses.replace(spec.geometry, rect=moved))
