"""The face analyser: replan around the faces found (imgix ``crop=faces``,
``fit=facearea``; thumbor ``smart/``).

* ``crop=faces`` (a cropping fit whose region is smaller than the source): the region is
  centred on the box around every face, clamped inside the source. Without a face the
  Plan stands: the other ``crop`` values decide (directions, entropy, edges, focal point).
* ``fit=facearea``: each face's box (or the ``faceindex``-th's, largest first) is scaled
  by ``facepad`` about its centre and they are joined; that area is widened to the
  requested w:h (within the source, sliding inward at its edges) and scaled to w x h.
  With one of w and h the other follows the area's shape; with neither the area is
  shown at its own size. Without a face the Plan stands: the ``fit`` given as fallback.

Only faces whose centre lies within ``rect`` (when given) count. Faces are looked for in
the whole frame, so with ``trim`` the trim's plan is replaced.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from enlarger.imaging.faces import find_faces
from enlarger.imaging.state import Run
from enlarger.spec.model import Crop, Extent, FaceArea, Fit, Geometry, Rect
from enlarger.spec.plan import CROPPING_FITS, Box, Plan


def face_crop(run: Run) -> Plan | None:
    geometry, plan = run.spec.geometry, run.plan
    if geometry.face_area is not None:
        wanted = _face_area(run, geometry.face_area)
    elif _crops_to_faces(geometry, plan):
        wanted = _centred_on_faces(run)
    else:
        return None
    if wanted is None:
        return None
    return run.replanned(dataclasses.replace(run.spec, geometry=wanted))


def _crops_to_faces(geometry: Geometry, plan: Plan) -> bool:
    """``crop=faces`` with a region to place; a point to focus on (thumbor ``focal()``)
    wins over the faces."""
    cuts = plan.region.width < plan.bounds.width or plan.region.height < plan.bounds.height
    wanted = Crop.FACES in geometry.crop and geometry.fit in CROPPING_FITS
    return wanted and cuts and geometry.focus is None


def faces_within(run: Run) -> list[Box]:
    """The faces found whose centre lies in the Plan's bounds (``rect``), largest first."""
    bounds = run.plan.bounds
    found = find_faces(run.data, run.facts, run.plan.orientation, run.spec.orientation.flip)
    return [face for face in found if _inside(_centre(face), bounds)]


def _centred_on_faces(run: Run) -> Geometry | None:
    faces = faces_within(run)
    if not faces:
        return None
    return dataclasses.replace(
        run.spec.geometry, focus=_centre(_union(faces)), crop=frozenset({Crop.FACES})
    )


def _face_area(run: Run, wanted: FaceArea) -> Geometry | None:
    faces = faces_within(run)
    if wanted.index is not None:
        faces = faces[wanted.index - 1 : wanted.index]
    if not faces:
        return None
    geometry, bounds = run.spec.geometry, run.plan.bounds
    area = _union([_scaled(face, wanted.pad) for face in faces])
    ratio = _requested_ratio(geometry, bounds)
    if ratio is not None:
        area = _widened(area, ratio)
    area = _within(area, bounds)
    left, top = round(area.left), round(area.top)
    rect = Rect(
        Extent(left),
        Extent(top),
        Extent(max(1, round(area.width))),
        Extent(max(1, round(area.height))),
    )
    both = geometry.w is not None and geometry.h is not None
    return dataclasses.replace(
        geometry,
        rect=rect,
        fit=Fit.CROP if both else Fit.CLIP,
        face_area=None,
        crop=frozenset(),
        focus=None,
    )


def _requested_ratio(geometry: Geometry, bounds: Box) -> float | None:
    """The output's width / height when the URL fixes it (w and h, or ``ar``)."""
    if geometry.w is not None and geometry.h is not None:
        return geometry.w.resolve(bounds.width) / geometry.h.resolve(bounds.height)
    if geometry.ar is not None:
        return geometry.ar[0] / geometry.ar[1]
    return None


def _centre(box: Box) -> tuple[float, float]:
    return box.left + box.width / 2, box.top + box.height / 2


def _inside(point: tuple[float, float], box: Box) -> bool:
    x, y = point
    return box.left <= x < box.left + box.width and box.top <= y < box.top + box.height


def _union(boxes: Sequence[Box]) -> Box:
    left = min(b.left for b in boxes)
    top = min(b.top for b in boxes)
    right = max(b.left + b.width for b in boxes)
    bottom = max(b.top + b.height for b in boxes)
    return Box(left, top, right - left, bottom - top)


def _scaled(box: Box, factor: float) -> Box:
    x, y = _centre(box)
    width, height = box.width * factor, box.height * factor
    return Box(x - width / 2, y - height / 2, width, height)


def _widened(box: Box, ratio: float) -> Box:
    """``box`` grown about its centre along one axis to ``ratio`` (width / height)."""
    width, height = max(box.width, box.height * ratio), max(box.height, box.width / ratio)
    x, y = _centre(box)
    return Box(x - width / 2, y - height / 2, width, height)


def _within(box: Box, bounds: Box) -> Box:
    """``box`` shrunk about its centre (keeping its shape) to fit ``bounds``, then slid
    inside them."""
    shrink = min(1.0, bounds.width / box.width, bounds.height / box.height)
    width, height = box.width * shrink, box.height * shrink
    x, y = _centre(box)
    left = min(max(x - width / 2, bounds.left), bounds.left + bounds.width - width)
    top = min(max(y - height / 2, bounds.top), bounds.top + bounds.height - height)
    return Box(left, top, width, height)
