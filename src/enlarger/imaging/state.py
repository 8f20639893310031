"""The small state one render carries through the pipeline steps."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Format, RenderSpec
from enlarger.spec.plan import Plan


@dataclass(frozen=True, slots=True)
class Run:
    """One render in progress. Each step returns a new ``Run`` (usually a new ``image``).

    ``keep_profile`` is decided by the load step: the source's ICC profile is embedded in
    the output (``cs=origin`` with a profile other than sRGB), so its pixels stay unconverted.
    """

    data: bytes
    spec: RenderSpec
    facts: SourceFacts
    plan: Plan
    format: Format
    image: Any = None  # pyvips.Image once loaded (pyvips ships no type hints)
    keep_profile: bool = False

    def with_image(self, image: Any) -> Run:
        return dataclasses.replace(self, image=image)

    @property
    def frame(self) -> tuple[int, int]:
        """The oriented source's full size: the frame the Plan's boxes are measured in."""
        oriented = dataclasses.replace(self.facts, orientation=self.plan.orientation)
        return oriented.oriented_width, oriented.oriented_height
