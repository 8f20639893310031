"""Step 2: the Plan's orientation (EXIF semantics, 1-8), then the ``flip`` parameter."""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.imaging.state import Run
from enlarger.spec.model import Flip


def orient(run: Run) -> Run:
    return run.with_image(oriented(run.image, run.plan.orientation, run.spec.orientation.flip))


def oriented(image: Any, orientation: int, flip: Flip | None) -> Any:
    """``image`` turned as EXIF ``orientation`` says, then flipped."""
    if orientation != 1:
        # libvips' autorot implements the EXIF table exactly; give it this orientation.
        image = image.copy()
        image.set_type(pyvips.GValue.gint_type, "orientation", orientation)
        image = image.autorot()
    if flip in (Flip.H, Flip.HV):
        image = image.fliphor()
    if flip in (Flip.V, Flip.HV):
        image = image.flipver()
    return image
