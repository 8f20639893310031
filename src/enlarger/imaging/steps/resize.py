"""Step 4: resize the region to exactly the Plan's ``scaled`` size (x and y apart)."""

from __future__ import annotations

from typing import Any

from enlarger.imaging.state import Run


def resize(run: Run) -> Run:
    width, height = run.plan.scaled
    return run.with_image(resize_to(run.image, width, height))


def resize_to(image: Any, width: int, height: int) -> Any:
    """Exactly ``width`` x ``height``; alpha is premultiplied so edges do not darken."""
    if (image.width, image.height) == (width, height):
        return image
    hscale, vscale = width / image.width, height / image.height
    if not image.hasalpha():
        return image.resize(hscale, vscale=vscale)
    resized = image.premultiply().resize(hscale, vscale=vscale).unpremultiply()
    return resized.cast(image.format)
