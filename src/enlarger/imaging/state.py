"""The small state one render carries through the pipeline steps."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Format, RenderSpec
from enlarger.spec.plan import Box, Plan, make_plan

#: ``Run.view`` before the load step has decoded anything.
UNLOADED = Box(0, 0, 1, 1)


@dataclass(frozen=True, slots=True)
class Run:
    """One render in progress. Each step returns a new ``Run`` (usually a new ``image``).

    ``extras`` are the bytes of the spec's extra sources by role (``RenderSpec.extra_sources``:
    a watermark, a blend image), for the steps that draw them. ``all_frames``: the load
    step decodes every frame of an animated source, stacked vertically (``page-height``
    is one frame's height); by default, and for stills, only the first frame.

    Set by the load step: ``keep_profile``, the source's ICC profile is embedded in the
    output (``cs=origin`` with a profile other than sRGB), so its pixels stay unconverted
    (the colour step sets it too when it tags the output sRGB, ``cs=srgb``);
    ``view``, the box of the oriented frame (full-size units) that ``image`` covers.
    """

    data: bytes
    spec: RenderSpec
    facts: SourceFacts
    plan: Plan
    format: Format
    extras: Mapping[str, bytes] = field(default_factory=dict)
    all_frames: bool = False
    #: the render's output limits (each side, the area), for analysers that replan.
    max_output_side: int = 8192
    max_output_pixels: int | None = None
    #: JPEG shrink-on-load as thumbor and sharp take it (``thumbnail``'s ``fast_shrink``).
    fast_shrink: bool = False
    image: Any = None  # pyvips.Image once loaded (pyvips ships no type hints)
    keep_profile: bool = False
    view: Box = UNLOADED

    def replanned(self, spec: RenderSpec | None = None, trimmed: Box | None = None) -> Plan:
        """The Plan of ``spec`` (this run's by default) within ``trimmed``, under the
        render's output limits: what an analyser returns when it replans."""
        return make_plan(
            spec or self.spec,
            self.facts,
            self.max_output_side,
            self.max_output_pixels,
            trimmed=trimmed,
        )

    def with_image(self, image: Any) -> Run:
        return dataclasses.replace(self, image=image)
