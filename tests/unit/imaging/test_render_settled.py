"""A settled spec (``spec/settle.py``) renders the very bytes of the spec it came from."""

from __future__ import annotations

import pytest

from enlarger.imaging import RenderOptions, probe, render
from enlarger.spec.imgix import parse
from enlarger.spec.model import Format
from enlarger.spec.settle import settle
from tests.support.images import fixture

ROCKET = fixture("skimage_rocket.jpg")  # 640x427
#: EXIF orientation 6: the box is of the upright image.
TURNED = fixture("mate_storm_exif6_240.jpg")


@pytest.mark.parametrize(
    ("source", "query"),
    [
        (ROCKET, "w=2400&h=2400&fit=max"),
        (ROCKET, "w=300&h=3000&fit=max&fm=webp"),
        (ROCKET, "w=150&dpr=2&fit=clip&fm=png"),
        (ROCKET, "h=0.5&fit=max&sharp=20&txt=Hi"),
        (ROCKET, "w=160&fit=scale&h=150&dpr=2"),
        (TURNED, "w=1000&h=1000&fit=max&fm=webp"),
        (TURNED, "w=100&fit=max&rect=10,10,100,200"),
    ],
)
def test_the_settled_spec_renders_the_same_bytes(source: bytes, query: str) -> None:
    spec = parse(query)
    options = RenderOptions()
    settled = settle(spec, probe(source), options.max_output_side)
    assert settled != spec
    accepted: frozenset[Format] = frozenset()
    assert render(source, settled, accepted, options).data == (
        render(source, spec, accepted, options).data
    )
