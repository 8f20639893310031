"""Which RabbitMQ delay bucket a wait goes to: never longer than the wait (above 1 s), and
each hop at least halves what is left."""

from __future__ import annotations

import pytest

from enlarger.jobs.delays import bucket_for


@pytest.mark.parametrize(
    ("delay_s", "bucket_s"),
    [(0.01, 1), (0.99, 1), (1.0, 1), (1.5, 1), (2.0, 2), (3.9, 2), (300.0, 256), (1e6, 4096)],
)
def test_bucket_for(delay_s: float, bucket_s: int) -> None:
    assert bucket_for(delay_s) == bucket_s


@pytest.mark.parametrize("delay_s", [1.0, 1.7, 5.0, 63.0, 300.0, 4095.0])
def test_hops_to_a_due_time_are_few_and_end_within_a_second(delay_s: float) -> None:
    left, hops = delay_s, 0
    while left > 0:
        left -= bucket_for(left)
        hops += 1
    assert -1 < left <= 0
    assert hops <= int(delay_s).bit_length() + 1
