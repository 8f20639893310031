"""Step 6: ``rot``: turn the image counter-clockwise within its canvas.

The Plan's contract: the turned image is enlarged by ``rotate_zoom`` so it covers the
canvas, then cut back to the canvas; the output keeps the canvas size. Quarter turns use
libvips' exact ``rot``; other angles ``similarity`` with ``bg`` (or transparency, or
white) behind the anti-aliased corners.
"""

from __future__ import annotations

from typing import Any

from enlarger.imaging.colours import pixel
from enlarger.imaging.state import Run
from enlarger.imaging.steps.resize import resize_to
from enlarger.spec.model import WHITE, Color

_QUARTER_TURNS = {90.0: "d270", 180.0: "d180", 270.0: "d90"}


def rotate(run: Run) -> Run:
    angle = run.plan.rotate
    if angle == 0:
        return run
    width, height = run.plan.canvas
    zoom = run.plan.rotate_zoom
    image = run.image
    if angle in _QUARTER_TURNS:
        turned = image.rot(_QUARTER_TURNS[angle])
        turned = resize_to(turned, round(turned.width * zoom), round(turned.height * zoom))
    else:
        # libvips turns clockwise for a positive angle; rot is counter-clockwise.
        turned = image.similarity(scale=zoom, angle=-angle, background=pixel(_behind(run), image))
    return run.with_image(centre(turned, width, height))


def centre(image: Any, width: int, height: int) -> Any:
    """The centred ``width`` x ``height`` part of ``image`` (edges repeated if it is short)."""
    if image.width < width or image.height < height:
        grown_w, grown_h = max(width, image.width), max(height, image.height)
        x, y = (grown_w - image.width) // 2, (grown_h - image.height) // 2
        image = image.embed(x, y, grown_w, grown_h, extend="copy")
    left, top = (image.width - width) // 2, (image.height - height) // 2
    return image.crop(left, top, width, height)


def _behind(run: Run) -> Color:
    bg = run.spec.output.bg
    if bg is not None:
        return bg
    return Color(0, 0, 0, 0) if run.image.hasalpha() else WHITE
