"""Animated renders: which frames an animated source shows, and the pipeline run on each.

A source with several frames is decoded whole (``Run.all_frames``) when the output can
animate (GIF, WebP) or ``frame`` picks frames; the load step stacks the frames
vertically. ``each_frame`` then runs every later step on each chosen frame alone, so
every geometry step and effect, present and future, applies to every frame alike, and
joins them again with their delays. Static outputs get the first chosen frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyvips

from enlarger.imaging.state import Run
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Animation, Format, RenderSpec

#: formats whose savers write every page of a stacked image as an animation.
ANIMATED_FORMATS = frozenset({Format.GIF, Format.WEBP})
#: display time of a frame whose source gives none (browsers' usual).
DEFAULT_DELAY_MS = 100
#: GIF stores the repeat count in 16 bits.
_MAX_LOOP = 65535


def decodes_all_frames(facts: SourceFacts, spec: RenderSpec, fmt: Format) -> bool:
    """Whether the render decodes every frame of the source (and so pays for each)."""
    return facts.frames > 1 and (fmt in ANIMATED_FORMATS or spec.animation.frames is not None)


def chosen_frames(frames: int, animation: Animation) -> list[int]:
    """The 0-based frames shown, in order: ``frame``'s span, then ``interval``, ``skip``,
    ``reverse``. Never empty: a choice that leaves nothing shows the span's first frame."""
    first, last = animation.frames or (1, 0)
    span = list(range(min(first, frames) - 1, min(last or frames, frames)))
    kept = span
    if animation.interval is not None:
        kept = kept[:: animation.interval]
    if animation.skip is not None:
        kept = [f for n, f in enumerate(kept) if n % animation.skip != 0]
    if animation.reverse:
        kept.reverse()
    return kept or span[:1]


def each_frame(run: Run, steps: Sequence[Any]) -> Run:
    """Run ``steps`` on ``run`` (after the load step): on each chosen frame when it loaded
    every frame, joined again as an animation for animated formats."""
    if not (run.all_frames and run.facts.frames > 1):
        return _through(run, steps)
    stack = run.image
    height = stack.height // run.facts.frames
    chosen = chosen_frames(run.facts.frames, run.spec.animation)
    if run.format not in ANIMATED_FORMATS:
        chosen = chosen[:1]
    done = [
        _through(run.with_image(stack.crop(0, index * height, stack.width, height)), steps)
        for index in chosen
    ]
    if len(done) == 1:
        return done[0]
    frames = [d.image for d in done]
    joined = pyvips.Image.arrayjoin(frames, across=1).copy()
    joined.set_type(pyvips.GValue.gint_type, "page-height", frames[0].height)
    joined.set_type(pyvips.GValue.array_int_type, "delay", _delays(run, chosen))
    joined.set_type(pyvips.GValue.gint_type, "loop", _loop(run))
    return done[0].with_image(joined)


def frame_height(image: Any) -> int:
    """The height of one frame of a finished render (the whole image for stills)."""
    if image.get_typeof("page-height") != 0:
        return int(image.get("page-height"))
    return int(image.height)


def _through(run: Run, steps: Sequence[Any]) -> Run:
    for step in steps:
        run = step(run)
    return run


def _delays(run: Run, chosen: list[int]) -> list[int]:
    fps = run.spec.animation.fps
    if fps is not None:
        return [round(1000 / fps)] * len(chosen)
    delays = run.facts.delays
    return [delays[i] if i < len(delays) else DEFAULT_DELAY_MS for i in chosen]


def _loop(run: Run) -> int:
    loop = run.spec.animation.loop
    if loop is None:
        loop = run.facts.loop
    return min(loop, _MAX_LOOP)
