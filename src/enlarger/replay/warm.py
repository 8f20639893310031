"""Pre-warming caches from a log: the most requested targets first, until the share of
the log's requests that they cover reaches the target hit ratio (what a replay of that
log would then see as hits, once each warmed URL is cached)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WarmPlan:
    targets: list[str]
    #: the share of the log's requests the warmed targets cover.
    coverage: float


def plan_warming(popular: Sequence[tuple[str, int]], hit_ratio: float, limit: int) -> WarmPlan:
    """The fewest most-requested targets (at most ``limit``) covering ``hit_ratio``."""
    total = sum(count for _, count in popular)
    chosen: list[str] = []
    covered = 0
    for target, count in popular:
        if total == 0 or covered / total >= hit_ratio or len(chosen) >= limit:
            break
        chosen.append(target)
        covered += count
    return WarmPlan(chosen, covered / total if total else 0.0)
