"""Plan arithmetic for pad and border (the margin) and for a trimmed source frame."""

from __future__ import annotations

import pytest

from enlarger.errors import OutputTooLarge
from enlarger.spec.facts import SourceFacts
from enlarger.spec.imgix import parse
from enlarger.spec.plan import Box, make_plan

SOURCE = SourceFacts(width=400, height=200, loader="jpeg")


@pytest.mark.parametrize(
    ("query", "scaled", "margin", "output"),
    [
        ("pad=10", (400, 200), (10, 10, 10, 10), (420, 220)),
        ("pad=10&pad-left=0", (400, 200), (10, 10, 10, 0), (410, 220)),
        ("border=5,red&pad=10", (400, 200), (15, 15, 15, 15), (430, 230)),
        ("border=5,red&border-top=0", (400, 200), (0, 5, 5, 5), (410, 205)),
        ("w=220&pad=10", (200, 100), (10, 10, 10, 10), (220, 120)),
        ("h=120&pad=10", (200, 100), (10, 10, 10, 10), (220, 120)),
        ("w=220&h=220&fit=crop&pad=10", (200, 200), (10, 10, 10, 10), (220, 220)),
        ("w=110&dpr=2&pad=10", (200, 100), (10, 10, 10, 10), (220, 120)),
        ("w=0.5&border=10,red", (180, 90), (10, 10, 10, 10), (200, 110)),
    ],
)
def test_margin(
    query: str,
    scaled: tuple[int, int],
    margin: tuple[int, int, int, int],
    output: tuple[int, int],
) -> None:
    plan = make_plan(parse(query), SOURCE)
    assert (plan.scaled, plan.margin, plan.output) == (scaled, margin, output)


def test_the_margin_counts_against_the_output_limit() -> None:
    with pytest.raises(OutputTooLarge):
        make_plan(parse("w=400&pad=8000"), SOURCE)
    assert max(make_plan(parse("pad=100"), SOURCE, max_output_side=300).output) <= 300


def test_a_trimmed_frame_is_the_source() -> None:
    trimmed = Box(50, 20, 300, 150)
    assert make_plan(parse(""), SOURCE, trimmed=trimmed).region == trimmed
    plan = make_plan(parse("rect=10,10,100,50&w=50"), SOURCE, trimmed=trimmed)
    assert (plan.region, plan.scaled) == (Box(60, 30, 100, 50), (50, 25))
    assert make_plan(parse("w=0.5"), SOURCE, trimmed=trimmed).scaled == (150, 75)
