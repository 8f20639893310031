"""Box mapping between the stored and the oriented frame, checked against the orient step
(libvips' autorot, which the EXIF orientation tests check against real photos)."""

from __future__ import annotations

import pytest
import pyvips

from enlarger.imaging.frame import oriented_size, to_oriented, to_stored
from enlarger.imaging.steps.orient import oriented
from enlarger.spec.model import Flip
from enlarger.spec.plan import Box

SIZE = (40, 30)
BOX = Box(3, 5, 10, 7)
FLIPS = [None, *Flip]


@pytest.mark.parametrize("flip", FLIPS)
@pytest.mark.parametrize("orientation", range(1, 9))
def test_to_oriented_follows_the_pixels(orientation: int, flip: Flip | None) -> None:
    marked = pyvips.Image.black(*SIZE).draw_rect(
        255, BOX.left, BOX.top, BOX.width, BOX.height, fill=True
    )
    turned = oriented(marked, orientation, flip)
    assert (turned.width, turned.height) == oriented_size(*SIZE, orientation)
    moved = to_oriented(BOX, SIZE, orientation, flip)
    left, top, width, height = (int(v) for v in (moved.left, moved.top, moved.width, moved.height))
    assert turned.crop(left, top, width, height).min() == 255
    assert turned.avg() * turned.width * turned.height == 255 * width * height


@pytest.mark.parametrize("flip", FLIPS)
@pytest.mark.parametrize("orientation", range(1, 9))
def test_to_stored_undoes_to_oriented(orientation: int, flip: Flip | None) -> None:
    assert to_stored(to_oriented(BOX, SIZE, orientation, flip), SIZE, orientation, flip) == BOX
