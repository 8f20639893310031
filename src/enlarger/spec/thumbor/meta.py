"""thumbor's ``meta/`` answer: the render's geometry as JSON instead of the image.

``{"thumbor": {"source": {url, width, height, frameCount}, "operations": [...],
"target": {width, height}}}``, from the Plan alone (nothing is decoded). Differences
from thumbor 7, which fills it from its engine as it works: ``source`` is the source's
own upright size (thumbor reports its engine's size after the work), the operations are
Enlarger's (one crop of the source, then one resize, then flips), ``target`` is the
output's real size (after ``fill()`` padding and ``rotate()``), and no ``focal_points``.
"""

from __future__ import annotations

from typing import Any

from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Flip, RenderSpec
from enlarger.spec.plan import Plan

_FLIPS = {
    Flip.H: ("flip_horizontally",),
    Flip.V: ("flip_vertically",),
    Flip.HV: ("flip_horizontally", "flip_vertically"),
}


def describe(path: str, spec: RenderSpec, facts: SourceFacts, plan: Plan) -> dict[str, Any]:
    width, height = plan.canvas
    if spec.orientation.turn in (90, 270):
        width, height = height, width
    source = {
        "url": path,
        "width": facts.oriented_width,
        "height": facts.oriented_height,
        "frameCount": facts.frames,
    }
    return {
        "thumbor": {
            "source": source,
            "operations": _operations(spec, facts, plan),
            "target": {"width": width, "height": height},
        }
    }


def _operations(spec: RenderSpec, facts: SourceFacts, plan: Plan) -> list[dict[str, Any]]:
    region = plan.region
    left, top = round(region.left), round(region.top)
    box = (left, top, round(region.left + region.width), round(region.top + region.height))
    operations: list[dict[str, Any]] = []
    if box != (0, 0, facts.oriented_width, facts.oriented_height):
        right, bottom = box[2:]
        operations.append(
            {"type": "crop", "left": left, "top": top, "right": right, "bottom": bottom}
        )
    if plan.scaled != (box[2] - box[0], box[3] - box[1]):
        operations.append({"type": "resize", "width": plan.scaled[0], "height": plan.scaled[1]})
    flip = spec.orientation.flip
    operations += [{"type": kind} for kind in _FLIPS[flip]] if flip else []
    return operations
