"""The render pool: libvips work on a bounded set of threads, never on the event loop.

At most ``threads`` jobs run at once and at most ``queue`` more wait for a thread; a
job beyond that is refused at once with ``Overloaded`` (429) so latency stays bounded
instead of growing with the backlog. A job counts against the limit until its thread
really finishes, even when the request that submitted it gave up (a running libvips
call cannot be interrupted); a job still waiting is cancelled with its request.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import TypeVar

from enlarger.errors import Overloaded

T = TypeVar("T")

_gave_up_while_running: ContextVar[bool] = ContextVar("gave_up_while_running", default=False)


def gave_up_while_running() -> bool:
    """Whether this task last left ``RenderPool.run`` (cancelled, e.g. by its deadline)
    while its job was running, rather than still waiting for a thread."""
    return _gave_up_while_running.get()


class RenderPool:
    def __init__(self, threads: int, queue: int) -> None:
        self.threads = threads or os.cpu_count() or 1
        self.capacity = self.threads + max(queue, 0)
        self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="enlarger-render")
        self._lock = threading.Lock()
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Jobs running or waiting right now."""
        return self._admitted

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on a pool thread; ``Overloaded`` when the pool and its queue are full."""
        with self._lock:
            if self._admitted >= self.capacity:
                raise Overloaded("the render queue is full, retry shortly", retry_after=1)
            self._admitted += 1
        try:
            future = self._executor.submit(fn)
        except BaseException:
            self._release()
            raise
        future.add_done_callback(self._release)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            # cancel() fails for a job already running: it runs on, and so would a retry.
            _gave_up_while_running.set(not future.cancel())
            raise

    def _release(self, _: object = None) -> None:
        with self._lock:
            self._admitted -= 1

    def close(self) -> None:
        """Cancel waiting jobs and wait for running ones."""
        self._executor.shutdown(wait=True, cancel_futures=True)
