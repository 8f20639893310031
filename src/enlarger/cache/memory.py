"""The in-memory layer: an LRU bounded by the bytes it holds."""

from __future__ import annotations

from collections import OrderedDict

from enlarger.cache.entry import Entry, ResultKey, source_digest


class MemoryCache:
    """Least recently used results within ``max_bytes`` (0 keeps nothing).

    A result larger than an eighth of the budget is not kept: one huge render would
    otherwise push out many small, often requested ones.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[ResultKey, Entry] = OrderedDict()
        #: source digest -> its keys held here, so a purge touches only them.
        self._by_source: dict[str, set[ResultKey]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: ResultKey) -> Entry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    async def put(self, key: ResultKey, entry: Entry) -> None:
        if entry.size > self.max_bytes // 8:
            return
        self._drop(key)
        self._entries[key] = entry
        self._by_source.setdefault(key.source_digest, set()).add(key)
        self.bytes += entry.size
        while self.bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))

    async def purge(self, source: str) -> None:
        self.purge_digest(source_digest(source))

    def purge_digest(self, digest: str) -> None:
        """Forget every result of the source whose ``source_digest`` is ``digest``."""
        for key in self._by_source.pop(digest, set()):
            self._drop(key)

    def _drop(self, key: ResultKey) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self.bytes -= entry.size
        keys = self._by_source.get(key.source_digest)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_source[key.source_digest]
