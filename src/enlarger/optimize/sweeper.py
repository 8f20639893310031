"""Removing expired optimization results: their files (and any stored input) go, the row
stays with ``swept_at`` so its URLs answer 410 instead of 404.

``sweeping`` is a lifespan component of ``enlarger serve``: one sweep every
``sweep_interval_s``. Deletes are idempotent, so several servers sweeping is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import anyio.to_thread
import structlog

from enlarger.catalog.optimizations import expired_optimizations, mark_swept
from enlarger.catalog.types import Session, sessionmaker
from enlarger.optimize.results import input_key, result_prefix
from enlarger.periodic import periodically
from enlarger.storage.protocol import ObjectStore, StorageError

log = structlog.get_logger("enlarger.optimize")
BATCH = 200


async def sweep_once(store: ObjectStore, sessions: sessionmaker[Session]) -> int:
    """Remove the files of up to ``BATCH`` expired optimizations; how many were swept."""

    def expired() -> list[str]:
        with sessions() as session:
            return expired_optimizations(session, BATCH)

    ids = await anyio.to_thread.run_sync(expired)
    for optimization_id in ids:
        await store.delete_prefix(result_prefix(optimization_id))
        await store.delete(input_key(optimization_id))

    def mark() -> None:
        with sessions.begin() as session:
            mark_swept(session, ids)

    await anyio.to_thread.run_sync(mark)
    return len(ids)


def sweeping(
    store: Callable[[], ObjectStore], sessions: sessionmaker[Session], interval_s: float
) -> AbstractAsyncContextManager[None]:
    async def sweep() -> bool:
        try:
            swept = await sweep_once(store(), sessions)
        except StorageError as exc:
            log.warning("sweep_failed", error=str(exc))
            return False
        if swept:
            log.info("swept_results", count=swept)
        return swept >= BATCH

    return periodically(sweep, interval_s, "optimize-results-sweeper")
