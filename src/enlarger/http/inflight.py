"""A limit on how much of something requests hold at once (bytes of uploads in flight).

A request that would go over it is refused at once with ``Overloaded`` (429) before it
reads anything; one request alone is always let through, so its own limits decide.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from enlarger.errors import Overloaded


class InFlight:
    def __init__(self, limit: int, what: str) -> None:
        #: 0: no limit.
        self.limit = limit
        self._what = what
        self._lock = threading.Lock()
        self._held = 0

    @property
    def held(self) -> int:
        return self._held

    @contextmanager
    def holding(self, amount: int) -> Iterator[None]:
        """Hold ``amount`` for the block; ``Overloaded`` when it does not fit beside the rest."""
        with self._lock:
            if self.limit and self._held and self._held + amount > self.limit:
                raise Overloaded(f"too many {self._what} in flight, retry shortly", retry_after=1)
            self._held += amount
        try:
            yield
        finally:
            with self._lock:
                self._held -= amount
