"""Retry delays: exponential backoff with jitter, shared by every job kind."""

from __future__ import annotations

import random


def backoff_delay(
    attempt: int, base_s: float, cap_s: float, rng: random.Random | None = None
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based).

    "Equal jitter": half of ``min(cap, base * 2**(attempt-1))`` is fixed and half random,
    so delays still grow with every attempt while retries of jobs that failed together
    spread out instead of hitting a recovering dependency at the same moment.
    """
    ceiling = min(cap_s, base_s * 2.0 ** max(attempt - 1, 0))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)
