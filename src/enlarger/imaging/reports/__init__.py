"""Outputs that describe an image instead of encoding it: ``fm=json`` (the source's
metadata), ``fm=blurhash`` and ``palette=json|css`` (of the render)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from enlarger.imaging.blurhash import encode as blurhash
from enlarger.imaging.reports.describe import describe
from enlarger.imaging.reports.palette import palette_document
from enlarger.imaging.reports.sample import sample
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Output, Report


@dataclass(frozen=True, slots=True)
class Document:
    data: bytes
    media_type: str


def describes_source(output: Output) -> bool:
    """Whether the answer is the source's metadata: no pixel needs rendering."""
    return output.report is Report.JSON and output.palette is None


def source_document(data: bytes, facts: SourceFacts) -> Document:
    return Document(json.dumps(describe(data, facts)).encode(), "application/json")


def render_document(image: Any, output: Output) -> Document | None:
    """The description of the finished render ``output`` asks for; None: encode it."""
    if output.palette is not None:
        return Document(*palette_document(image, output))
    if output.report is Report.BLURHASH:
        small = sample(image)
        text = blurhash(small.tobytes(), small.width, small.height)
        return Document(text.encode(), "text/plain; charset=utf-8")
    return None
