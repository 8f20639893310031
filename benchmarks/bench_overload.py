"""Clients that keep asking, and count what they get: statuses and the time to each answer.

For the shedding and memory benchmarks, where the answers that matter are 429s and
their speed rather than throughput. Each client holds one keep-alive connection and asks
for ``next_path()`` until the time is up; on a 429 it either waits the Retry-After the
server named (a well-behaved client) or asks again at once (a retry storm).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bench_http import REQUEST_TIMEOUT_S, Connection


@dataclass(slots=True)
class Outcomes:
    """Every answer's status and latency (ms); status 0 is a connection failure or timeout."""

    answers: list[tuple[int, float]] = field(default_factory=list)
    elapsed_s: float = 0.0

    def statuses(self) -> Counter[int]:
        return Counter(status for status, _ in self.answers)

    def latencies_ms(self, status: int) -> list[float]:
        return [latency for got, latency in self.answers if got == status]

    def percentile_ms(self, status: int, percentile: int) -> float | None:
        latencies = self.latencies_ms(status)
        if len(latencies) < 2:
            return latencies[0] if latencies else None
        return statistics.quantiles(latencies, n=100, method="inclusive")[percentile - 1]


async def _client(
    port: int, next_path: Callable[[], str], until: float, respect: bool, outcomes: Outcomes
) -> None:
    connection = Connection(port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            try:
                response = await asyncio.wait_for(connection.get(next_path()), REQUEST_TIMEOUT_S)
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                outcomes.answers.append((0, (time.perf_counter() - started) * 1000))
                await connection.close()
                continue
            outcomes.answers.append((response.status, (time.perf_counter() - started) * 1000))
            if response.status == 429 and respect:
                wait = float(response.headers.get("retry-after", "1"))
                await asyncio.sleep(min(wait, max(until - time.perf_counter(), 0)))
    finally:
        await connection.close()


def run_clients(
    port: int, next_path: Callable[[], str], clients: int, duration_s: float, respect: bool
) -> Outcomes:
    """``clients`` connections asking for ``duration_s``; each one finishes its last request."""
    outcomes = Outcomes()

    async def run() -> None:
        started = time.perf_counter()
        until = started + duration_s
        await asyncio.gather(
            *(_client(port, next_path, until, respect, outcomes) for _ in range(clients))
        )
        outcomes.elapsed_s = time.perf_counter() - started

    asyncio.run(run())
    return outcomes


def counting(path_of: Callable[[int], str], start: int = 0) -> Callable[[], str]:
    """``path_of(n)`` for n = start + 1, start + 2, ...: with ``path_of`` one-to-one, every
    request is a new render that no result cache answers."""
    counter = [start]

    def next_path() -> str:
        counter[0] += 1
        return path_of(counter[0])

    return next_path
