"""The shared layer: results in the object store, under ``results/entries/``.

Every node that shares the store shares these results. The layer is bounded by an
oldest-first sweep: after a node has written an eighth of the budget since its last
sweep (and at its first write), it lists ``results/entries/`` and deletes the objects
written longest ago until the total is under 90% of the budget. Store hits do not
refresh an object's date, so this is first-in first-out rather than LRU; it needs no
shared index that nodes would have to update together. Storage failures never fail a
request: a failed read is a miss, a failed write or sweep is logged and skipped.
"""

from __future__ import annotations

import asyncio
import logging

from enlarger.cache.entry import ENTRIES, Entry, ResultKey, source_digest, source_prefix
from enlarger.storage import ObjectInfo, ObjectNotFound, ObjectStore, StorageError

log = logging.getLogger(__name__)

#: what a sweep leaves of the budget, so the next one is not due at once.
SWEEP_TO = 0.9


class StoreCache:
    """Results in ``store`` within ``max_bytes`` (0: the layer is off)."""

    def __init__(self, store: ObjectStore, max_bytes: int) -> None:
        self._store = store
        self.max_bytes = max_bytes
        self._written = 0
        self._swept_once = False
        self._sweep_lock = asyncio.Lock()

    async def get(self, key: ResultKey) -> Entry | None:
        if not self.max_bytes:
            return None
        try:
            return Entry.from_bytes(await self._store.get(key.object_key))
        except ObjectNotFound:
            return None
        except StorageError as exc:
            log.warning("result store read failed: %s", exc)
            return None
        except (ValueError, KeyError):
            log.warning("result store object %s is unreadable; ignored", key.object_key)
            return None

    async def put(self, key: ResultKey, entry: Entry) -> None:
        if not self.max_bytes:
            return
        blob = entry.to_bytes()
        try:
            await self._store.put(key.object_key, blob, entry.content_type)
        except StorageError as exc:
            log.warning("result store write failed: %s", exc)
            return
        self._written += len(blob)
        if not self._swept_once or self._written >= self.max_bytes // 8:
            await self.sweep()

    async def purge(self, source: str) -> None:
        await self.purge_digest(source_digest(source))

    async def purge_digest(self, digest: str) -> None:
        await self._store.delete_prefix(source_prefix(digest))

    async def sweep(self) -> int:
        """Delete the oldest results while the layer is over its budget; bytes deleted."""
        if self._sweep_lock.locked():
            return 0  # one sweep at a time is enough
        async with self._sweep_lock:
            self._written, self._swept_once = 0, True
            try:
                objects = [info async for info in self._store.list(ENTRIES)]
                total = sum(info.size for info in objects)
                if total <= self.max_bytes:
                    return 0
                return await self._delete_oldest(objects, total - int(self.max_bytes * SWEEP_TO))
            except StorageError as exc:
                log.warning("result store sweep failed: %s", exc)
                return 0

    async def _delete_oldest(self, objects: list[ObjectInfo], excess: int) -> int:
        deleted = 0
        for info in sorted(objects, key=lambda info: info.last_modified):
            if deleted >= excess:
                break
            await self._store.delete(info.key)
            deleted += info.size
        return deleted
