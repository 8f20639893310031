"""Purges reach every node: a marker per purge in the shared store, read by each node.

``publish`` writes ``results/purges/<time ns>-<source digest>``. ``due`` tells a node
whether its last look is older than ``check_s``; ``unseen`` lists the markers and
returns the source digests of those this node has not applied yet. Markers older than
``KEEP_S`` are deleted by whoever lists them: a node that was away longer than that
restarts with an empty memory layer, so it needs none of them.
"""

from __future__ import annotations

import datetime as dt
import time

from enlarger.cache.entry import RESULTS
from enlarger.storage import ObjectStore

PURGES = f"{RESULTS}/purges"
KEEP_S = 120.0


class PurgeLog:
    def __init__(self, store: ObjectStore, check_s: float) -> None:
        self._store = store
        self.check_s = check_s
        self._checked = float("-inf")
        self._seen: set[str] = set()

    def due(self) -> bool:
        return time.monotonic() - self._checked >= self.check_s

    async def publish(self, digest: str) -> None:
        marker = f"{PURGES}/{time.time_ns()}-{digest}"
        await self._store.put(marker, b"")
        self._seen.add(marker)

    async def unseen(self) -> list[str]:
        """Source digests purged by other nodes since the last look."""
        self._checked = time.monotonic()
        oldest = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=KEEP_S)
        fresh: list[str] = []
        listed: set[str] = set()
        async for info in self._store.list(PURGES):
            if info.last_modified < oldest:
                await self._store.delete(info.key)
                continue
            listed.add(info.key)
            if info.key not in self._seen:
                fresh.append(info.key.rpartition("-")[2])
        self._seen = listed
        return fresh
