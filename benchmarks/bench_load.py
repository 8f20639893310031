"""What every engine's load loop shares: the request schedule and what one run measured."""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field

#: at most this many error messages are kept per run (the count is always exact).
KEPT_ERRORS = 5


class Schedule:
    """Hands out target indexes, in whole passes over the targets, until the duration is up.

    Stopping only at a pass boundary gives every engine the same photo mix, however fast it
    is. A duration of 0 gives exactly one pass (the warm-up). Thread-safe.
    """

    def __init__(self, n_targets: int, duration_s: float) -> None:
        self._n = n_targets
        self._duration_s = duration_s
        self._next = 0
        self._stopped = False
        self._lock = threading.Lock()
        self.started = time.perf_counter()

    def next_index(self) -> int | None:
        with self._lock:
            if self._stopped:
                return None
            i = self._next
            if i and i % self._n == 0 and time.perf_counter() - self.started >= self._duration_s:
                self._stopped = True
                return None
            self._next += 1
            return i % self._n


@dataclass(slots=True)
class Recorder:
    """Per-request outcomes of one run; ``record`` is safe from several threads."""

    latencies_ms: list[float] = field(default_factory=list)
    output_bytes: int = 0
    error_count: int = 0
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, latency_s: float, n_bytes: int, problem: str | None) -> None:
        with self._lock:
            self.latencies_ms.append(latency_s * 1000)
            self.output_bytes += n_bytes
            if problem is not None:
                self.error_count += 1
                if len(self.errors) < KEPT_ERRORS:
                    self.errors.append(problem)


@dataclass(frozen=True, slots=True)
class Measurement:
    """One cell of the matrix: an engine rendering one format at one concurrency."""

    engine: str
    fmt: str
    concurrency: int
    requests: int
    elapsed_s: float
    latencies_ms: tuple[float, ...]
    output_bytes: int
    error_count: int
    errors: tuple[str, ...]
    #: CPU seconds of the rendering processes (server tree, or this process for raw pyvips).
    cpu_s: float
    #: CPU seconds this script spent driving HTTP load (0 for raw pyvips).
    client_cpu_s: float
    #: peak resident set of each rendering process, MB.
    peak_rss_mb: tuple[float, ...]

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and self.requests > 0

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed_s

    @property
    def cores_busy(self) -> float:
        """Average number of cores the rendering processes kept busy."""
        return self.cpu_s / self.elapsed_s

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_s * 1000 / self.requests

    @property
    def client_cpu_ms_per_request(self) -> float:
        return self.client_cpu_s * 1000 / self.requests

    @property
    def mean_bytes(self) -> float:
        return self.output_bytes / self.requests

    def latency_ms(self, percentile: int) -> float:
        """The ``percentile``-th latency (1..99), inclusive method."""
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[percentile - 1]


def finish(
    engine: str,
    fmt: str,
    concurrency: int,
    recorder: Recorder,
    elapsed_s: float,
    cpu_s: float,
    client_cpu_s: float,
    peak_rss_mb: tuple[float, ...],
) -> Measurement:
    return Measurement(
        engine=engine,
        fmt=fmt,
        concurrency=concurrency,
        requests=len(recorder.latencies_ms),
        elapsed_s=elapsed_s,
        latencies_ms=tuple(recorder.latencies_ms),
        output_bytes=recorder.output_bytes,
        error_count=recorder.error_count,
        errors=tuple(recorder.errors),
        cpu_s=cpu_s,
        client_cpu_s=client_cpu_s,
        peak_rss_mb=peak_rss_mb,
    )
