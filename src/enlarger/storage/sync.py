"""Reconcile a primary and a secondary store: copy what is missing or different.

Both stores are listed in full; keys on one side only are copied to the other. Keys on
both sides are compared by size and then by the sha256 of their bytes. When they differ
the primary wins, except for originals, whose key names the sha256 of the content: there
the side that matches its key wins, and an original that matches its key on neither side,
or a one-sided original that does not match its key, is reported and left alone.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from collections.abc import Callable

from enlarger.storage.keys import sha256_of_original
from enlarger.storage.protocol import ObjectInfo, ObjectStore, StorageError

#: called after each key with (keys done, keys in all).
ProgressCallback = Callable[[int, int], None]

#: keys reconciled at once.
CONCURRENCY = 8


@dataclasses.dataclass(frozen=True, slots=True)
class SyncFailure:
    key: str
    reason: str


@dataclasses.dataclass(slots=True)
class SyncReport:
    #: distinct keys seen in either store.
    compared: int = 0
    copied_to_secondary: int = 0
    copied_to_primary: int = 0
    #: keys on both sides whose content differed and was overwritten on one side.
    repaired: int = 0
    failures: list[SyncFailure] = dataclasses.field(default_factory=list)

    @property
    def errors(self) -> int:
        return len(self.failures)


class _MismatchError(Exception):
    """An original whose bytes do not hash to its key: never copied anywhere."""


async def sync(
    primary: ObjectStore,
    secondary: ObjectStore,
    prefix: str = "",
    progress: ProgressCallback | None = None,
    compare_content: bool = True,
) -> SyncReport:
    """Make both stores hold the same objects under ``prefix``; see the module docstring.

    ``compare_content=False`` trusts equal sizes and reads nothing but what it copies.
    Listing failures raise; a failure on one key is recorded and the others go on.
    """
    in_primary, in_secondary = await asyncio.gather(
        _index(primary, prefix), _index(secondary, prefix)
    )
    keys = sorted(in_primary.keys() | in_secondary.keys())
    report = SyncReport(compared=len(keys))
    reconciler = _Reconciler(primary, secondary, report, compare_content)
    limit = asyncio.Semaphore(CONCURRENCY)
    done = 0

    async def one(key: str) -> None:
        nonlocal done
        async with limit:
            try:
                await reconciler.reconcile(key, in_primary.get(key), in_secondary.get(key))
            except (StorageError, _MismatchError) as exc:
                report.failures.append(SyncFailure(key, str(exc)))
        done += 1
        if progress is not None:
            progress(done, len(keys))

    await asyncio.gather(*(one(key) for key in keys))
    report.failures.sort(key=lambda failure: failure.key)
    return report


async def _index(store: ObjectStore, prefix: str) -> dict[str, ObjectInfo]:
    return {info.key: info async for info in store.list(prefix)}


@dataclasses.dataclass(slots=True)
class _Reconciler:
    primary: ObjectStore
    secondary: ObjectStore
    report: SyncReport
    compare_content: bool

    async def reconcile(
        self, key: str, first: ObjectInfo | None, second: ObjectInfo | None
    ) -> None:
        if second is None:
            await self._copy(key, self.primary, self.secondary, await self.primary.get(key))
            self.report.copied_to_secondary += 1
        elif first is None:
            await self._copy(key, self.secondary, self.primary, await self.secondary.get(key))
            self.report.copied_to_primary += 1
        elif first.size != second.size or self.compare_content:
            await self._compare(key)

    async def _compare(self, key: str) -> None:
        data_1, data_2 = await asyncio.gather(self.primary.get(key), self.secondary.get(key))
        if data_1 == data_2:
            return
        expected = sha256_of_original(key)
        if expected is not None and _sha256(data_1) != expected:
            if _sha256(data_2) != expected:
                raise _MismatchError("the original matches its key in neither store")
            await self.primary.put(key, data_2)
        else:
            await self.secondary.put(key, data_1)
        self.report.repaired += 1

    async def _copy(self, key: str, source: ObjectStore, target: ObjectStore, data: bytes) -> None:
        expected = sha256_of_original(key)
        if expected is not None and _sha256(data) != expected:
            raise _MismatchError(f"the original in {source.describe()} does not match its key")
        await target.put(key, data)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
