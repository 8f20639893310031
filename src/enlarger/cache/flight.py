"""Single-flight: concurrent calls for one key share one run of the work.

The work runs as its own task, so a caller that gives up (its deadline, a closed
connection) neither cancels it for the others nor loses the result for the cache.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class SingleFlight(Generic[K, T]):
    def __init__(self) -> None:
        self._flights: dict[K, asyncio.Task[T]] = {}

    def __len__(self) -> int:
        """Keys being worked on now."""
        return len(self._flights)

    async def run(self, key: K, work: Callable[[], Coroutine[Any, Any, T]]) -> tuple[T, bool]:
        """``work()``'s result, and whether this call joined a run already under way."""
        task = self._flights.get(key)
        joined = task is not None
        if task is None:
            task = asyncio.create_task(work())
            self._flights[key] = task
            task.add_done_callback(lambda done: self._land(key, done))
        return await asyncio.shield(task), joined

    def _land(self, key: K, task: asyncio.Task[T]) -> None:
        if self._flights.get(key) is task:
            del self._flights[key]
        if not task.cancelled():
            task.exception()  # retrieved: every caller may have gone before it failed
