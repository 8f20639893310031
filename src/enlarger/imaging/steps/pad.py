"""Step 5: place the scaled image at the Plan's offset on a canvas-sized image.

``solid`` paints ``pad_color`` (adding an alpha band when it is not opaque), or the
image's mean colour with ``geometry.fill_from_image``; ``blur``
puts a blurred, enlarged copy of the image behind it, ``clamp`` repeats the edge pixels.
"""

from __future__ import annotations

from typing import Any

from enlarger.imaging.colours import pixel, with_alpha
from enlarger.imaging.state import Run
from enlarger.imaging.steps.resize import resize_to
from enlarger.spec.model import WHITE, Color
from enlarger.spec.plan import Pad

#: blur radius of ``fill=blur`` backdrops, as a share of the canvas' shorter side.
_BLUR_SHARE = 0.05


def pad(run: Run) -> Run:
    plan = run.plan
    if plan.pad is None:
        return run
    width, height = plan.canvas
    x, y = plan.offset
    image = run.image
    if plan.pad is Pad.CLAMP:
        return run.with_image(image.embed(x, y, width, height, extend="copy"))
    if plan.pad is Pad.BLUR:
        return run.with_image(blurred_backdrop(image, width, height).insert(image, x, y))
    colour = mean_colour(image) if run.spec.geometry.fill_from_image else pad_colour(run)
    colour = colour or WHITE
    if not colour.opaque:
        image = with_alpha(image)
    painted = image.embed(x, y, width, height, extend="background", background=pixel(colour, image))
    return run.with_image(painted)


def pad_colour(run: Run) -> Color | None:
    """The solid colour this render paints around the image, if it pads with one."""
    return (run.plan.pad_color or WHITE) if run.plan.pad is Pad.SOLID else None


def mean_colour(image: Any) -> Color:
    """The mean of each colour band (alpha ignored), as an opaque colour."""
    colour_bands = image.bands - 1 if image.hasalpha() else image.bands
    means = [round(image.extract_band(band).avg()) for band in range(colour_bands)]
    red, green, blue = means if len(means) == 3 else means * 3
    return Color(red, green, blue)


def blurred_backdrop(image: Any, width: int, height: int) -> Any:
    """``image`` enlarged to cover ``width`` x ``height``, centred, and heavily blurred."""
    cover = max(width / image.width, height / image.height)
    big_w, big_h = max(width, round(image.width * cover)), max(height, round(image.height * cover))
    enlarged = resize_to(image, big_w, big_h)
    centred = enlarged.crop((big_w - width) // 2, (big_h - height) // 2, width, height)
    sigma = max(1.0, _BLUR_SHARE * min(width, height))
    return centred.gaussblur(sigma).cast(image.format)
