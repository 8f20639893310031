"""Two stores kept as one: every write lands in both, reads fall back to the secondary."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from enlarger.storage.protocol import (
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    StorageError,
    exists_by_head,
)

T = TypeVar("T")


class ReplicatedStore:
    """An ``ObjectStore`` over a primary and a secondary.

    A write returns only when both stores took it, so an acknowledged upload survives
    the loss of either. A write that fails on one side may have landed on the other;
    ``enlarger sync`` reconciles them.
    """

    def __init__(self, primary: ObjectStore, secondary: ObjectStore) -> None:
        self.primary = primary
        self.secondary = secondary

    def describe(self) -> str:
        return f"{self.primary.describe()} + replica {self.secondary.describe()}"

    async def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        await _both(
            self.primary.put(key, data, content_type), self.secondary.put(key, data, content_type)
        )

    async def get(self, key: str) -> bytes:
        return await self._read(lambda store: store.get(key))

    async def head(self, key: str) -> ObjectInfo:
        return await self._read(lambda store: store.head(key))

    async def exists(self, key: str) -> bool:
        return await exists_by_head(self, key)

    async def delete(self, key: str) -> None:
        await _both(self.primary.delete(key), self.secondary.delete(key))

    async def delete_prefix(self, prefix: str) -> None:
        await _both(self.primary.delete_prefix(prefix), self.secondary.delete_prefix(prefix))

    async def list(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        """The union of both listings; the primary's entry wins for keys in both."""
        seen: set[str] = set()
        async for info in self.primary.list(prefix):
            seen.add(info.key)
            yield info
        async for info in self.secondary.list(prefix):
            if info.key not in seen:
                yield info

    async def _read(self, read: Callable[[ObjectStore], Awaitable[T]]) -> T:
        try:
            return await read(self.primary)
        except StorageError as primary_error:
            try:
                return await read(self.secondary)
            except ObjectNotFound:
                # Missing on both is a miss; a broken primary leaves the answer unknown.
                raise primary_error from None


async def _both(first: Awaitable[None], second: Awaitable[None]) -> None:
    """Run both writes to completion, then raise the first failure, if any."""
    results = await asyncio.gather(first, second, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
