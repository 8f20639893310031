"""Step 1: decode with shrink-on-load at the size the Plan needs, into the working space."""

from __future__ import annotations

import pyvips

from enlarger.imaging.colours import is_grey
from enlarger.imaging.state import Run
from enlarger.imaging.steps.colour import keeps_origin_profile, to_working_space
from enlarger.imaging.steps.pad import pad_colour
from enlarger.spec.facts import SourceFacts
from enlarger.spec.plan import Plan


def load(run: Run) -> Run:
    """Decode the stored pixels at ``load_size`` through libvips' ``thumbnail``.

    ``no_rotate``: the orient step applies the Plan's orientation (EXIF, or ``orient``
    which replaces it). ``fail_on=error`` is given as a loader option: the keyword argument
    of the same name does not reach the loader, and truncated input would decode grey.

    The shrunk image is decoded into memory here: thumbnail reads its source in order
    only, and the orient, smartcrop, rotate and blur steps read out of order. It is at
    output scale, or for upscales at most the source's size (bounded by the pixel limit).
    """
    width, height = load_size(run.facts, run.plan)
    image = pyvips.Image.thumbnail_buffer(
        run.data,
        width,
        height=height,
        size="force",
        no_rotate=True,
        option_string="fail_on=error",
    ).copy_memory()
    keep = keeps_origin_profile(image, run.spec, run.format)
    working = to_working_space(image, keep_profile=keep, colour=_paints_colour(run))
    return Run(
        data=run.data,
        spec=run.spec,
        facts=run.facts,
        plan=run.plan,
        format=run.format,
        image=working,
        keep_profile=keep,
    )


def load_size(facts: SourceFacts, plan: Plan) -> tuple[int, int]:
    """The stored-frame size to decode at: the whole image at the Plan's scale.

    Never above full size: an upscale decodes at full size and enlarges only the region,
    after the crop, so no intermediate is larger than the source or the output.
    """
    factor = min(plan.scale, 1.0)
    return max(1, round(facts.width * factor)), max(1, round(facts.height * factor))


def _paints_colour(run: Run) -> bool:
    """Whether a colour that is not a grey will be painted (greyscale must become sRGB)."""
    colours = [pad_colour(run), run.spec.output.bg]
    return any(colour is not None and not is_grey(colour) for colour in colours)
