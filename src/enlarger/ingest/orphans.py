"""Removing stored originals and derivatives that no image row names.

They come from an upload killed between its object write and its row commit (the write
goes first, ``ingest/service.py``), from an image deletion that failed between its rows
and its objects, and from a conversion that outlived its image. The sweeper lists
``originals/`` and ``derivatives/`` and deletes each object whose sha256 has no image
row, once it is older than ``orphan_grace_s``.

Uploads in flight are safe in three ways. Their object is younger than the grace period
(an upload meeting an orphan of the same content writes it again, which makes it young),
so it is skipped. The sweeper checks the row first and reads the object's date again just
before deleting it, so a write since the listing spares it. And an upload checks its
original is still stored after its row commits, writing it again if a sweep got there
between the two (``Ingestor``). What remains is a sweep that stalls, between that last
date check and its delete, for a whole upload's write, commit and check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

import anyio.to_thread
import structlog

from enlarger.catalog.images import recorded_sha256s
from enlarger.catalog.types import Session, sessionmaker
from enlarger.periodic import periodically
from enlarger.storage.keys import (
    DERIVATIVES,
    ORIGINALS,
    sha256_of_derivative,
    sha256_of_original,
)
from enlarger.storage.protocol import ObjectInfo, ObjectNotFound, ObjectStore

log = structlog.get_logger("enlarger.ingest.orphans")

#: objects whose rows are looked up in one query.
BATCH = 500
_OWNERS: dict[str, Callable[[str], str | None]] = {
    ORIGINALS: sha256_of_original,
    DERIVATIVES: sha256_of_derivative,
}


@dataclass
class SweepReport:
    """What one sweep looked at and what it removed (keys)."""

    examined: int = 0
    removed: list[str] = field(default_factory=list)


async def sweep_orphans(
    store: ObjectStore,
    sessions: sessionmaker[Session],
    grace_s: float,
    now: dt.datetime | None = None,
) -> SweepReport:
    """Delete every original and derivative older than ``grace_s`` whose image has no row."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(seconds=grace_s)
    report = SweepReport()
    for prefix, owner in _OWNERS.items():
        batch: list[tuple[ObjectInfo, str]] = []
        async for info in store.list(prefix):
            report.examined += 1
            sha256 = owner(info.key)
            if sha256 is not None and info.last_modified < cutoff:
                batch.append((info, sha256))
            if len(batch) >= BATCH:
                report.removed += await _remove_unrecorded(store, sessions, batch, cutoff)
                batch = []
        report.removed += await _remove_unrecorded(store, sessions, batch, cutoff)
    return report


async def _remove_unrecorded(
    store: ObjectStore,
    sessions: sessionmaker[Session],
    batch: Sequence[tuple[ObjectInfo, str]],
    cutoff: dt.datetime,
) -> list[str]:
    def recorded() -> set[str]:
        with sessions() as session:
            return recorded_sha256s(session, {sha256 for _, sha256 in batch})

    known = await anyio.to_thread.run_sync(recorded)
    removed = []
    for info, sha256 in batch:
        if sha256 not in known and await _still_old(store, info.key, cutoff):
            await store.delete(info.key)
            removed.append(info.key)
    return removed


async def _still_old(store: ObjectStore, key: str, cutoff: dt.datetime) -> bool:
    """Whether ``key`` is still stored and was not written again since the listing."""
    try:
        return (await store.head(key)).last_modified < cutoff
    except ObjectNotFound:
        return False


def sweeping_orphans(
    store: Callable[[], ObjectStore],
    sessions: sessionmaker[Session],
    grace_s: float,
    interval_s: float,
) -> AbstractAsyncContextManager[None]:
    """A lifespan component of ``enlarger serve``: one sweep every ``interval_s``."""

    async def sweep() -> bool:
        report = await sweep_orphans(store(), sessions, grace_s)
        if report.removed:
            log.info("swept_orphans", count=len(report.removed), examined=report.examined)
        return False

    return periodically(sweep, interval_s, "orphan-sweeper")
