"""The two layers together, with single-flight and purges that reach every node.

``fetch`` looks in memory, then (once per key at a time, see ``flight.py``) in the
shared store, then renders; what it renders goes into both layers and what the store
had goes into memory. Before it looks, a node applies the purges other nodes published
if its last look is older than ``purge_check_s``: a purge reaches every node's memory
within that time (the store layer is shared, so it is purged at once).
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from enlarger.cache.entry import Entry, ResultKey, source_digest
from enlarger.cache.flight import SingleFlight
from enlarger.cache.memory import MemoryCache
from enlarger.cache.purges import PurgeLog
from enlarger.cache.store import StoreCache
from enlarger.settings import CacheSettings
from enlarger.storage import ObjectStore, StorageError

log = logging.getLogger(__name__)

Render = Callable[[], Coroutine[Any, Any, Entry]]


class Answered(enum.StrEnum):
    """Which layer answered a request (the access log's ``cache``)."""

    MEMORY = "memory"
    STORE = "store"
    #: joined a render another request of the same result had started.
    JOINED = "joined"
    #: rendered.
    MISS = "miss"


class CacheObserver(Protocol):
    """Where the layers report lookups (metrics); ``layer`` is ``memory`` or ``store``."""

    def lookup(self, layer: str, hit: bool) -> None: ...

    def joined(self) -> None: ...


class _Unobserved:
    def lookup(self, layer: str, hit: bool) -> None:
        pass

    def joined(self) -> None:
        pass


class LayeredResults:
    def __init__(
        self,
        memory: MemoryCache,
        shared: StoreCache,
        purges: PurgeLog,
        observer: CacheObserver | None = None,
    ) -> None:
        self.memory = memory
        self.shared = shared
        self._purges = purges
        self._observer = observer or _Unobserved()
        self._flights: SingleFlight[str, tuple[Entry, Answered]] = SingleFlight()
        self._purge_lock = asyncio.Lock()

    def observe(self, observer: CacheObserver) -> None:
        self._observer = observer

    async def fetch(
        self, key: ResultKey, render: Render, renders_as: str | None = None
    ) -> tuple[Entry, Answered]:
        """The result for ``key`` from the first layer that has it, else ``render()``'s.

        Concurrent misses share one ``render()`` when they have the same ``renders_as``
        (by default ``key.variant``): other keys can name the same bytes (a settled spec,
        ``spec/settle.py``). A key that joined another's render keeps the result in memory.
        """
        await self._apply_purges()
        entry = await self.memory.get(key)
        self._observer.lookup("memory", entry is not None)
        if entry is not None:
            return entry, Answered.MEMORY
        flight = renders_as or key.variant
        (entry, answered), joined = await self._flights.run(flight, lambda: self._fill(key, render))
        if not joined:
            return entry, answered
        self._observer.joined()
        if flight != key.variant:
            await self.memory.put(key, entry)
        return entry, Answered.JOINED

    async def purge(self, source: str) -> None:
        """Forget every result of ``source`` here and in the store; tell the other nodes."""
        digest = source_digest(source)
        self.memory.purge_digest(digest)
        await self.shared.purge_digest(digest)
        await self._purges.publish(digest)

    async def _fill(self, key: ResultKey, render: Render) -> tuple[Entry, Answered]:
        entry = await self.shared.get(key)
        if self.shared.max_bytes:
            self._observer.lookup("store", entry is not None)
        answered = Answered.STORE
        if entry is None:
            entry, answered = await render(), Answered.MISS
            await self.shared.put(key, entry)
        await self.memory.put(key, entry)
        return entry, answered

    async def _apply_purges(self) -> None:
        if not self._purges.due():
            return
        async with self._purge_lock:
            if not self._purges.due():
                return  # another request looked while this one waited
            try:
                digests = await self._purges.unseen()
            except StorageError as exc:
                log.warning("reading purges failed: %s", exc)
                return
            for digest in digests:
                self.memory.purge_digest(digest)


def open_results(settings: CacheSettings, store: ObjectStore) -> LayeredResults:
    return LayeredResults(
        MemoryCache(settings.memory_cache_bytes),
        StoreCache(store, settings.result_store_bytes),
        PurgeLog(store, settings.purge_check_s),
    )
