"""Step 1: decode with shrink-on-load at the size the Plan needs, into the working space."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pyvips

from enlarger.imaging.colours import is_grey
from enlarger.imaging.frame import to_oriented, to_stored
from enlarger.imaging.state import Run
from enlarger.imaging.steps.colour import keeps_origin_profile, to_working_space
from enlarger.imaging.steps.pad import pad_colour
from enlarger.imaging.thumbnail import thumbnail
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Auto, Effects, Flip
from enlarger.spec.plan import Box, Pad, Plan


def load(run: Run) -> Run:
    """Decode the stored pixels at ``load_size`` through libvips' ``thumbnail``.

    ``no_rotate``: the orient step applies the Plan's orientation (EXIF, or ``orient``
    which replaces it).

    Only the part the Plan shows (its region, or for smart crops its bounds) is kept, at
    output scale (for upscales at most the region at full size). thumbnail reads its
    source in order only: when a later step reads out of order (``needs_random_access``)
    that part is decoded into memory here; otherwise pixels stream from the decoder to the
    encoder and no copy of the image is ever held.

    With ``Run.all_frames`` every frame is decoded and cut alike, and stays stacked.
    """
    width, height = load_size(run.facts, run.plan)
    shrunk = thumbnail(
        run.data,
        run.facts,
        width,
        height,
        no_rotate=True,
        all_frames=run.all_frames,
        fast_shrink=run.fast_shrink,
    )
    if shrunk.height > height:
        image, view = _cut_frames(shrunk, height, run)
    else:
        image, view = _cut_to_view(shrunk, run)
    keep = keeps_origin_profile(image, run.spec, run.format)
    working = to_working_space(image, keep_profile=keep, colour=_paints_colour(run))
    if needs_random_access(run):
        working = working.copy_memory()
    return dataclasses.replace(run, image=working, keep_profile=keep, view=view)


def needs_random_access(run: Run) -> bool:
    """Whether a step after load reads the image out of order (or more than once).

    Turning by EXIF orientation, a vertical flip, smartcrop, ``rot``, the blur and clamp
    pads (a backdrop made from the image, repeated edges), a pad of the image's mean
    colour, stacked frames, ``auto=enhance`` (it measures the image first), ``max_bytes``
    (it may encode more than once) and any effect do; fitting, cropping, solid pads,
    colour and alpha work row by row.
    """
    plan = run.plan
    return (
        run.spec.effects != Effects()
        or Auto.ENHANCE in run.spec.output.auto
        or run.spec.output.max_bytes is not None
        or plan.orientation != 1
        or run.spec.orientation.flip in (Flip.V, Flip.HV)
        or plan.interest is not None
        or plan.rotate != 0
        or plan.pad in (Pad.BLUR, Pad.CLAMP)
        or run.spec.geometry.fill_from_image
        or (run.all_frames and run.facts.frames > 1)
    )


def load_size(facts: SourceFacts, plan: Plan) -> tuple[int, int]:
    """The stored-frame size to decode at: the whole image at the Plan's scale.

    Never above full size: an upscale decodes at full size and enlarges only the region,
    after the crop, so no intermediate is larger than the source or the output.
    """
    factor = min(plan.scale, 1.0)
    return max(1, round(facts.width * factor)), max(1, round(facts.height * factor))


def _cut_to_view(image: Any, run: Run) -> tuple[Any, Box]:
    """Crop ``image`` (stored frame, shrunk) to the pixels the Plan needs, rounded outward.

    Returns the crop and the box of the oriented frame (full-size units) it covers.
    """
    plan, facts, flip = run.plan, run.facts, run.spec.orientation.flip
    stored_size = (facts.width, facts.height)
    needed = plan.bounds if plan.interest is not None else plan.region
    wanted = to_stored(needed, stored_size, plan.orientation, flip)
    sx, sy = image.width / facts.width, image.height / facts.height
    left, right = _outward(wanted.left, wanted.width, sx, image.width)
    top, bottom = _outward(wanted.top, wanted.height, sy, image.height)
    cut = Box(left / sx, top / sy, (right - left) / sx, (bottom - top) / sy)
    if (left, top, right, bottom) != (0, 0, image.width, image.height):
        image = image.crop(left, top, right - left, bottom - top)
    return image, to_oriented(cut, stored_size, plan.orientation, flip)


def _cut_frames(stack: Any, frame_height: int, run: Run) -> tuple[Any, Box]:
    """``_cut_to_view`` for each frame of a vertical ``stack``, stacked again."""
    frames = [
        _cut_to_view(stack.crop(0, top, stack.width, frame_height), run)
        for top in range(0, stack.height, frame_height)
    ]
    joined = pyvips.Image.arrayjoin([image for image, _ in frames], across=1)
    joined.set_type(pyvips.GValue.gint_type, "page-height", frames[0][0].height)
    return joined, frames[0][1]


def _outward(start: float, length: float, scale: float, limit: int) -> tuple[int, int]:
    low = min(max(math.floor(start * scale), 0), limit - 1)
    high = min(max(math.ceil((start + length) * scale), low + 1), limit)
    return low, high


def _paints_colour(run: Run) -> bool:
    """Whether a colour that is not a grey will be painted (greyscale must become sRGB)."""
    effects = run.spec.effects
    colours = [pad_colour(run), run.spec.output.bg, effects.mask_bg, effects.border.color]
    if effects.monochrome or effects.duotone or effects.sepia:
        return True
    return any(colour is not None and not is_grey(colour) for colour in colours)
