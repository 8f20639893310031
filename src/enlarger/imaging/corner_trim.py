"""thumbor's trim: cut the borders of one corner pixel's colour, exactly.

The oriented source is decoded at full size and compared with the colour of its top-left
(or bottom-right) pixel; the bounding box of everything further than ``tolerance`` from
it in any band is kept. Unlike imgix's trim (``trim.py``) nothing is smoothed first, so a
single pixel of another colour is content, as thumbor counts it.
"""

from __future__ import annotations

from typing import Any

from enlarger.imaging.analyse import glance
from enlarger.imaging.state import Run
from enlarger.spec.model import Trim, TrimSample
from enlarger.spec.plan import Box


def corner_content(run: Run, wanted: Trim) -> Box | None:
    """The box of what is not border, in oriented source pixels; None for a plain image."""
    facts = run.facts
    image = glance(run, side=max(facts.width, facts.height))
    top_left = wanted.sample is TrimSample.TOP_LEFT
    x, y = (0, 0) if top_left else (image.width - 1, image.height - 1)
    bands = (image - list(image(x, y))).abs().bandsplit()
    farthest = bands[0].bandrank(bands[1:], index=len(bands) - 1) if len(bands) > 1 else bands[0]
    return _bounds(farthest > wanted.tolerance)


def _bounds(mask: Any) -> Box | None:
    """The bounding box of the mask's non-zero pixels, or None when there are none."""
    columns, rows = mask.project()
    xs = [i for i, total in enumerate(columns.tolist()[0]) if total]
    ys = [i for i, (total,) in enumerate(rows.tolist()) if total]
    if not xs:
        return None
    return Box(xs[0], ys[0], xs[-1] + 1 - xs[0], ys[-1] + 1 - ys[0])
