"""Prometheus metrics, one registry per app (the composition root builds it).

Counters and histograms are fed by the access log (requests), the renderer (renders
and their steps) and the result cache (``CacheObserver``). Gauges are read when
scraped: the render pool's queue and running renders, the jobs table by status (queue
depth and outcomes, shared by every engine and node) and the process' memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Mapping

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from enlarger.http.pool import RenderPool

log = logging.getLogger(__name__)

SECONDS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        by_request = ["route", "status", "format"]
        self._requests = Counter(
            "enlarger_http_requests", "HTTP requests answered", by_request, registry=self.registry
        )
        self._request_seconds = Histogram(
            "enlarger_http_request_duration_seconds",
            "Time from request to last response byte",
            by_request,
            buckets=SECONDS,
            registry=self.registry,
        )
        self._renders = Counter(
            "enlarger_renders", "Pipeline runs (cache misses rendered)", registry=self.registry
        )
        self._step_seconds = Histogram(
            "enlarger_render_step_seconds",
            "Time per render step (libvips is lazy: pixels are mostly computed in encode)",
            ["step"],
            buckets=SECONDS,
            registry=self.registry,
        )
        #: the labelled series, each looked up once (``labels`` costs more than an update).
        self._request_children: dict[tuple[str, str, str], tuple[Counter, Histogram]] = {}
        self._step_children: dict[str, Histogram] = {}
        self._cache = Counter(
            "enlarger_cache_requests",
            "Result cache lookups by layer and result",
            ["layer", "result"],
            registry=self.registry,
        )
        self._joins = Counter(
            "enlarger_singleflight_joins",
            "Requests that waited for an identical render already under way",
            registry=self.registry,
        )
        ProcessCollector(registry=self.registry)  # process_resident_memory_bytes, CPU, fds

    def request(self, route: str, status: int, output: str | None, seconds: float) -> None:
        labels = (route, str(status), output or "")
        children = self._request_children.get(labels)
        if children is None:
            children = self._requests.labels(*labels), self._request_seconds.labels(*labels)
            self._request_children[labels] = children
        count, duration = children
        count.inc()
        duration.observe(seconds)

    def rendered(self, steps: Mapping[str, float]) -> None:
        self._renders.inc()
        for step, seconds in steps.items():
            child = self._step_children.get(step)
            if child is None:
                child = self._step_children[step] = self._step_seconds.labels(step)
            child.observe(seconds)

    def lookup(self, layer: str, hit: bool) -> None:
        self._cache.labels(layer, "hit" if hit else "miss").inc()

    def joined(self) -> None:
        self._joins.inc()

    def watch_pool(self, pool: RenderPool) -> None:
        depth = Gauge(
            "enlarger_render_queue_depth",
            "Renders waiting for a thread",
            registry=self.registry,
        )
        depth.set_function(lambda: max(pool.admitted - pool.threads, 0))
        running = Gauge(
            "enlarger_renders_in_flight", "Renders on a thread now", registry=self.registry
        )
        running.set_function(lambda: min(pool.admitted, pool.threads))

    def watch_jobs(self, count_by_status: Callable[[], Mapping[str, int]]) -> None:
        self.registry.register(_JobCounts(count_by_status))


class _JobCounts(Collector):
    """``enlarger_jobs{status}`` from the jobs table: ``queued`` is the queue's depth,
    ``done`` and ``failed`` the outcomes so far."""

    def __init__(self, count_by_status: Callable[[], Mapping[str, int]]) -> None:
        self._count = count_by_status

    def collect(self) -> Iterator[Metric]:
        try:
            counts = self._count()
        except Exception:  # a scrape must not fail because the catalog is down
            log.warning("counting jobs for /metrics failed", exc_info=True)
            return
        family = GaugeMetricFamily("enlarger_jobs", "Jobs by status", labels=["status"])
        for status, count in sorted(counts.items()):
            family.add_metric([status], count)
        yield family

    def describe(self) -> Iterator[Metric]:
        return iter(())  # not probed at registration: the catalog may not be migrated yet


def metrics_routes(metrics: Metrics) -> list[Route]:
    """``GET /metrics``: Prometheus' text format (unauthenticated, as scrapers expect)."""

    async def scrape(_: Request) -> Response:
        body = await asyncio.to_thread(generate_latest, metrics.registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return [Route("/metrics", scrape, methods=["GET"])]
