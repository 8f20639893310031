"""The quality search on a synthetic encoder: size and score both grow with quality."""

from __future__ import annotations

import pytest

from enlarger.optimize.search import MAX_TRIES, search, seed_quality


def _encode(quality: int) -> bytes:
    return bytes(quality * 100)


@pytest.mark.parametrize("target", [50.0, 70.0, 85.0, 90.0])
def test_finds_the_lowest_passing_quality_within_the_budget(target: float) -> None:
    calls: list[int] = []

    def encode(quality: int) -> bytes:
        calls.append(quality)
        return _encode(quality)

    found = search(encode, lambda data: len(data) / 100 * 0.95, target)
    assert found.met
    assert found.score >= target
    lowest = min(q for q in range(1, 101) if q * 0.95 >= target)
    assert found.quality <= lowest + 1
    assert len(calls) <= MAX_TRIES


def test_unreachable_target_returns_the_best_try_unmet() -> None:
    found = search(_encode, lambda data: len(data) / 100 * 0.5, 90.0)
    assert not found.met
    assert found.quality == 100
    assert found.score == 50.0


def test_seed_follows_the_calibration_curve() -> None:
    assert seed_quality(50.0) == 35
    assert seed_quality(90.0) == 95
    assert 70 < seed_quality(75.0) < 85
    assert seed_quality(100.0) == 100
