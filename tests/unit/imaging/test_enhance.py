"""``auto=enhance`` changes the picture: a dull photo gets its full tonal range back."""

from __future__ import annotations

from typing import Any

import pytest

from enlarger.imaging import RenderOptions, render
from enlarger.spec.imgix import parse
from tests.support.images import decode, fixture


def dull(data: bytes) -> bytes:
    """The photo squeezed into tones 80-170: low contrast, as a hazy shot."""
    image = decode(data)
    squeezed: bytes = image.linear(90 / 255, 80).cast("uchar").pngsave_buffer()
    return squeezed


def rendered(data: bytes, query: str) -> Any:
    return decode(render(data, parse(query), frozenset(), RenderOptions()).data)


def test_enhance_restores_the_range_of_a_dull_photo() -> None:
    source = dull(fixture("skimage_chelsea_225.png"))
    plain = rendered(source, "fm=png")
    enhanced = rendered(source, "fm=png&auto=enhance")
    grey_plain, grey_enhanced = plain.colourspace("b-w"), enhanced.colourspace("b-w")
    plain_range = grey_plain.percent(99.5) - grey_plain.percent(0.5)
    assert plain_range < 70
    # the gain is capped at 2.5, about the middle of the tones
    assert grey_enhanced.percent(99.5) - grey_enhanced.percent(0.5) > 2.2 * plain_range
    assert 100 < grey_enhanced.avg() < 155
    assert rendered(source, "fm=png&auto=true").avg() == pytest.approx(enhanced.avg())


def test_enhance_keeps_the_size_and_alpha() -> None:
    out = rendered(fixture("plasma_icecold_rgba_320.png"), "w=100&auto=enhance&fm=png")
    assert (out.width, out.height, out.bands) == (100, 56, 4)
