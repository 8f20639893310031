"""Sending a log's requests: ``concurrency`` workers, within a duration, a request count
and (optionally) a rate; each response becomes a ``Sample``."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx

from enlarger.replay.stats import Sample

#: a request that takes longer than this is recorded as a transport failure (status 0).
REQUEST_TIMEOUT_S = 30.0
CACHE_HEADER = "x-enlarger-cache"


@dataclass(frozen=True, slots=True)
class Load:
    """How hard and how long: every bound applies, whichever is reached first."""

    concurrency: int
    duration_s: float
    max_requests: int
    #: requests per second across all workers; None sends as fast as answers come.
    rate: float | None = None


async def send_all(
    target: str,
    targets: Iterable[str],
    load: Load,
    on_sample: Callable[[Sample], None] | None = None,
) -> tuple[list[Sample], float]:
    """Replay ``targets`` (``/path?query``) against ``target``; the samples and the
    seconds it took."""
    pending = iter(itertools.islice(targets, load.max_requests))
    samples: list[Sample] = []
    began = time.perf_counter()
    deadline = began + load.duration_s
    issued = itertools.count()
    limits = httpx.Limits(max_connections=load.concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        for path in pending:
            if load.rate is not None:
                slot = began + next(issued) / load.rate
                await asyncio.sleep(max(slot - time.perf_counter(), 0.0))
            if time.perf_counter() >= deadline:
                return
            sample = await _one(client, path, began)
            samples.append(sample)
            if on_sample is not None:
                on_sample(sample)

    async with httpx.AsyncClient(
        base_url=target, limits=limits, timeout=REQUEST_TIMEOUT_S, follow_redirects=False
    ) as client:
        await asyncio.gather(*(worker(client) for _ in range(load.concurrency)))
    return samples, time.perf_counter() - began


async def _one(client: httpx.AsyncClient, path: str, began: float) -> Sample:
    started = time.perf_counter()
    try:
        response = await client.get(path)
    except httpx.HTTPError:
        return Sample(started - began, time.perf_counter() - started, 0, None, 0)
    latency = time.perf_counter() - started
    return Sample(
        started - began,
        latency,
        response.status_code,
        response.headers.get(CACHE_HEADER),
        len(response.content),
    )
