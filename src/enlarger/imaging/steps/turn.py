"""Step: quarter turns of the finished image (thumbor ``rotate()``), counter-clockwise.

Unlike ``rot`` (within the frame), a turn of 90 or 270 swaps the output's sides.
"""

from __future__ import annotations

from enlarger.imaging.state import Run

#: counter-clockwise degrees -> libvips' clockwise ``rot`` angle.
_ANGLES = {90: "d270", 180: "d180", 270: "d90"}


def turn(run: Run) -> Run:
    angle = run.spec.orientation.turn
    if angle == 0:
        return run
    return run.with_image(run.image.rot(_ANGLES[angle]))
