"""``fast_shrink_on_load``: JPEGs decoded at the coarsest scale no smaller than the output
(as thumbor and sharp do): the same sizes, close pixels, a coarser decode."""

from __future__ import annotations

import pytest

from enlarger.imaging import RenderOptions, render
from enlarger.imaging.thumbnail import _fast_jpeg_shrink
from enlarger.spec.facts import SourceFacts
from enlarger.spec.imgix import parse
from tests.support.images import decode, fixture, looks_like

ROCKET = fixture("skimage_rocket.jpg")  # 640x427
TURNED = fixture("mate_storm_exif6_240.jpg")  # EXIF orientation 6
FAST = RenderOptions(fast_shrink_on_load=True)


@pytest.mark.parametrize(
    ("source", "query"),
    [
        (ROCKET, "w=200&fit=max"),
        (ROCKET, "w=150&h=150&fit=crop"),
        (ROCKET, "w=100&h=60&fit=scale&fm=png"),
        (ROCKET, "w=120&fit=max&rect=0,0,400,300"),
        (ROCKET, "w=70&fit=max&fm=webp"),
        (TURNED, "w=60&h=60&fit=crop"),
    ],
)
def test_the_same_size_and_close_pixels(source: bytes, query: str) -> None:
    spec = parse(query)
    default = render(source, spec, frozenset(), RenderOptions())
    fast = render(source, spec, frozenset(), FAST)
    assert (fast.width, fast.height, fast.format) == (default.width, default.height, default.format)
    assert fast.data != default.data  # decoded at another scale
    assert looks_like(decode(fast.data), decode(default.data), tolerance=4.0)


def test_a_render_near_the_source_size_decodes_in_full_either_way() -> None:
    spec = parse("w=400&fit=max")  # 640 -> 400: no shrink by 2 leaves 400 px
    assert render(ROCKET, spec, frozenset(), FAST).data == (
        render(ROCKET, spec, frozenset(), RenderOptions()).data
    )


@pytest.mark.parametrize(
    ("stored", "orientation", "target", "no_rotate", "shrink"),
    [
        ((1920, 1280), 1, (512, 341), False, 2),  # 3.75: libvips itself decodes in full
        ((2560, 1600), 1, (512, 320), False, 4),  # 5
        ((6000, 4000), 1, (512, 341), False, 8),  # 11.7
        ((1920, 1280), 1, (1000, 667), False, 1),  # 1.92
        ((1280, 1920), 6, (1000, 667), False, 1),  # upright 1920x1280
        ((1280, 1920), 6, (320, 480), True, 4),  # the stored frame's own size
        ((1920, 1280), 1, (480, 1280), False, 1),  # the longer factor does not count
    ],
)
def test_the_largest_shrink_that_keeps_both_sides(
    stored: tuple[int, int],
    orientation: int,
    target: tuple[int, int],
    no_rotate: bool,
    shrink: int,
) -> None:
    facts = SourceFacts(*stored, loader="jpeg", orientation=orientation)
    assert _fast_jpeg_shrink(facts, *target, no_rotate) == shrink
