"""The cost a render settles with its pool: what its encoder holds counts too."""

from __future__ import annotations

import pytest

from enlarger.imaging import Effort, RenderOptions, render
from enlarger.spec.imgix import parse
from tests.support.images import fixture

CHELSEA = fixture("skimage_chelsea_225.png")  # 225x150
#: a buffering JPEG encoder's bytes a pixel at 4:2:0, in pixels of 3 bytes.
BUFFERED = 225 * 150 * 5.5 / 3


class Recorder:
    def __init__(self) -> None:
        self.costs: list[int] = []

    def settle(self, cost: int) -> None:
        self.costs.append(cost)

    def cancelled(self) -> bool:
        return False


def settled(query: str, options: RenderOptions) -> int:
    control = Recorder()
    render(CHELSEA, parse(query), frozenset(), options, control=control)
    assert len(control.costs) == 1
    return control.costs[0]


@pytest.mark.parametrize(
    ("query", "options", "held"),
    [
        ("fm=jpg", RenderOptions(), True),  # optimised tables buffer every coefficient
        (
            "fm=jpg",
            RenderOptions(effort=Effort(jpeg_optimize_coding_max_pixels=225 * 150 - 1)),
            False,
        ),
        (
            "fm=pjpg",
            RenderOptions(effort=Effort(jpeg_optimize_coding=False)),
            True,
        ),  # progressive scans
        ("fm=png", RenderOptions(), False),
    ],
)
def test_the_settled_cost_counts_a_buffering_jpeg_encoder(
    query: str, options: RenderOptions, held: bool
) -> None:
    streamed = settled("fm=jpg", RenderOptions(effort=Effort(jpeg_optimize_coding=False)))
    assert settled(query, options) - streamed == pytest.approx(BUFFERED if held else 0, abs=1)
