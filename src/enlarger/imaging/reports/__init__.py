"""Outputs that describe an image instead of encoding it: ``fm=json`` (the source's
metadata), ``fm=blurhash`` and ``palette=json|css`` (of the render)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from enlarger.imaging.blurhash import encode as blurhash
from enlarger.imaging.faces import find_faces
from enlarger.imaging.reports.describe import describe
from enlarger.imaging.reports.palette import palette_document
from enlarger.imaging.reports.sample import sample
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Output, Report
from enlarger.spec.plan import Box


@dataclass(frozen=True, slots=True)
class Document:
    data: bytes
    media_type: str


def describes_source(output: Output) -> bool:
    """Whether the answer is the source's metadata: no pixel needs rendering."""
    return output.report is Report.JSON and output.palette is None


def source_document(data: bytes, facts: SourceFacts, faces: bool = False) -> Document:
    """``describe``'s document; ``faces`` adds imgix's ``Faces``: each face found, largest
    first, as ``bounds`` in pixels of the upright (EXIF-oriented) image."""
    document = describe(data, facts)
    if faces:
        found = find_faces(data, facts, facts.orientation)
        document["Faces"] = [{"bounds": _bounds(face)} for face in found]
    return Document(json.dumps(document).encode(), "application/json")


def _bounds(face: Box) -> dict[str, int]:
    return {
        "x": round(face.left),
        "y": round(face.top),
        "width": round(face.width),
        "height": round(face.height),
    }


def render_document(image: Any, output: Output) -> Document | None:
    """The description of the finished render ``output`` asks for; None: encode it."""
    if output.palette is not None:
        return Document(*palette_document(image, output))
    if output.report is Report.BLURHASH:
        small = sample(image)
        text = blurhash(small.tobytes(), small.width, small.height)
        return Document(text.encode(), "text/plain; charset=utf-8")
    return None
