"""Step 2: the Plan's orientation (EXIF semantics, 1-8), then the ``flip`` parameter."""

from __future__ import annotations

import pyvips

from enlarger.imaging.state import Run
from enlarger.spec.model import Flip


def orient(run: Run) -> Run:
    image = run.image
    if run.plan.orientation != 1:
        # libvips' autorot implements the EXIF table exactly; give it the Plan's value.
        image = image.copy()
        image.set_type(pyvips.GValue.gint_type, "orientation", run.plan.orientation)
        image = image.autorot()
    flip = run.spec.orientation.flip
    if flip in (Flip.H, Flip.HV):
        image = image.fliphor()
    if flip in (Flip.V, Flip.HV):
        image = image.flipver()
    return run.with_image(image)
