"""What a replay measured: latency percentiles, errors by status, the hit ratio over time.

A response's ``X-Enlarger-Cache`` says which layer answered: ``memory``, ``store`` and
``joined`` (waited for a render another request started) are hits, ``miss`` rendered.
Responses without it (errors, 304s, other servers) do not count toward the ratio.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

HITS = frozenset({"memory", "store", "joined"})
PERCENTILES = (50, 90, 95, 99)


@dataclass(frozen=True, slots=True)
class Sample:
    """One request: when it started (seconds into the replay) and how it ended.
    ``status`` 0 is a transport failure (refused, reset, timed out)."""

    started: float
    latency: float
    status: int
    cache: str | None
    bytes: int


@dataclass(frozen=True, slots=True)
class Bucket:
    start_s: float
    requests: int
    hit_ratio: float | None
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True, slots=True)
class Summary:
    requests: int
    duration_s: float
    throughput: float
    latency_ms: dict[int, float]
    errors: dict[int, int]
    layers: dict[str, int]
    hit_ratio: float | None
    hit_p95_ms: float | None
    miss_p95_ms: float | None
    timeline: list[Bucket]


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile of ``values`` (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def hit_ratio(samples: Sequence[Sample]) -> float | None:
    layered = [s for s in samples if s.cache is not None]
    return sum(s.cache in HITS for s in layered) / len(layered) if layered else None


def summarize(samples: Sequence[Sample], duration_s: float, buckets: int = 20) -> Summary:
    millis = [s.latency * 1000 for s in samples]
    hits = [s.latency * 1000 for s in samples if s.cache in HITS]
    misses = [s.latency * 1000 for s in samples if s.cache == "miss"]
    return Summary(
        requests=len(samples),
        duration_s=duration_s,
        throughput=len(samples) / duration_s if duration_s > 0 else 0.0,
        latency_ms={p: percentile(millis, p) for p in PERCENTILES},
        errors=dict(
            sorted(Counter(s.status for s in samples if not 200 <= s.status < 400).items())
        ),
        layers=dict(Counter(s.cache for s in samples if s.cache is not None).most_common()),
        hit_ratio=hit_ratio(samples),
        hit_p95_ms=percentile(hits, 95) if hits else None,
        miss_p95_ms=percentile(misses, 95) if misses else None,
        timeline=timeline(samples, duration_s, buckets),
    )


def timeline(samples: Sequence[Sample], duration_s: float, buckets: int) -> list[Bucket]:
    """The replay cut into ``buckets`` equal spans by start time; empty spans are left out."""
    span = max(duration_s, 1e-9) / buckets
    grouped: dict[int, list[Sample]] = {}
    for sample in samples:
        grouped.setdefault(min(int(sample.started / span), buckets - 1), []).append(sample)
    result = []
    for index in sorted(grouped):
        group = grouped[index]
        millis = [s.latency * 1000 for s in group]
        ratio = hit_ratio(group)
        result.append(
            Bucket(index * span, len(group), ratio, percentile(millis, 50), percentile(millis, 95))
        )
    return result
