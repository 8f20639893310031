"""The render pool: libvips work on a bounded set of threads, never on the event loop.

Admission is counted in jobs and in pixels (``spec/cost.py``). At most ``threads`` jobs
are admitted at once, costing together at most ``pixels`` (one job alone is always
admitted, so no render is refused for its size here), and at most ``queue`` more wait
for admission in arrival order; a job beyond that is refused at once with
``Overloaded`` (429), so latency stays bounded instead of growing with the backlog.
With a wait budget (``wait_s``) a job is also refused when the wait it can expect, the
jobs ahead of it times the measured time a job takes (a moving average) over the threads,
passes the budget: the queue's length then follows what the jobs cost, so a burst of
small renders still queues while a backlog of large ones sheds early.

A render is admitted before it reads its source (``admission``), so waiting requests
hold no source bytes, and a refused one has read and decoded nothing. A request asks
``check_room`` before it even locates its source, so under overload a 429 costs
nothing but parsing the URL. It reserves an estimate and settles its real cost once the
header is read (``Admitted.settle``), before it decodes anything: when that cost does not
fit beside the jobs already settled, its thread waits there until it does (two large
sources admitted on small estimates decode one after the other, not together). A job
counts until its thread really finishes, even when its request gave up; a request that
gives up cancels its job (``Admitted.cancelled``: libvips stops evaluating), so the
place frees within a tile's work. A job still waiting leaves with its request.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import TypeVar

from enlarger.errors import Overloaded
from enlarger.http.server_lock import Hold, ServerRenderLock
from enlarger.imaging.runtime import release_free_memory

T = TypeVar("T")
#: how often a thread waiting to settle looks whether its request gave up.
SETTLE_POLL_S = 0.05
#: the weight of the latest job in the moving average of how long a job takes.
SERVICE_WEIGHT = 0.2
#: as a job's thread ends, glibc hands the memory free in its arenas back to the system:
#: all of it after a large job (a 24 MP source's render at 2 K or more; not a 2.5 MP
#: photo's re-encode, whose 9.6 M include its encoder's coefficients: trimming after it
#: cost 2,000 page faults, 2.7 CPU-ms, a render), which leaves much behind that the next
#: renders rarely reuse; after any other job only what passes ``keep_free_bytes``
#: (``[render] malloc_keep_free_bytes``, shared out among the server's processes), since
#: the next renders of its size reuse it. A large job also starts with all of it handed
#: back, so what the arenas keep is not added to its peak.
LARGE_JOB_PIXELS = 16_000_000


class Admitted:
    """One admitted job: the render's ``imaging.RenderControl``, and how it runs."""

    def __init__(self, pool: RenderPool, cost: int) -> None:
        self._pool = pool
        self.cost = cost
        self.submitted = False
        self.left = False
        self.settled = False
        #: its hold on the ``ServerRenderLock`` (several processes), until its thread ends.
        self.holding: Hold | None = None
        self.granted_at = time.monotonic()
        self._cancel = threading.Event()

    def settle(self, cost: int) -> None:
        """The job's real cost, known once the header is read. It is never refused here
        (its source is read already): the thread waits until the cost fits beside the
        settled jobs (or none is left), and it holds back the next admissions."""
        self._pool._settle(self, cost)

    def _call(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        finally:
            large = self.cost >= LARGE_JOB_PIXELS  # its settled cost, by now
            release_free_memory(0 if large else self._pool.keep_free_bytes)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on a pool thread (once per admission); cancel it if the caller gives up."""
        future = self._pool._executor.submit(self._call, fn)
        self.submitted = True
        future.add_done_callback(lambda _: self._pool._leave(self))
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            self._cancel.set()
            raise


class _Waiter:
    def __init__(self, cost: int) -> None:
        self.cost = cost
        self.loop = asyncio.get_running_loop()
        self.granted: asyncio.Future[Admitted] = self.loop.create_future()
        self.ticket: Admitted | None = None


class RenderPool:
    def __init__(
        self,
        threads: int,
        queue: int,
        pixels: int = 0,
        wait_s: float = 0.0,
        server_lock: ServerRenderLock | None = None,
        keep_free_bytes: int = 0,
    ) -> None:
        self.threads = threads or os.cpu_count() or 1
        self.queue = max(queue, 0)
        #: the pixel budget of the admitted jobs together; 0: none.
        self.pixels = pixels
        #: the longest wait a job may expect to be queued for; 0: only ``queue`` bounds it.
        self.wait_s = wait_s
        #: with several server processes: a job over ``pixels`` runs alone among them all.
        self._server_lock = server_lock
        #: how much memory glibc may keep free after a job that is not large.
        self.keep_free_bytes = keep_free_bytes
        #: the moving average of how long an admitted job held its place, in seconds.
        self.service_s = 0.0
        self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="enlarger-render")
        self._lock = threading.Lock()
        #: settling threads wait on it for settled jobs to leave.
        self._changed = threading.Condition(self._lock)
        self._running = 0
        self._cost = 0
        self._settled_cost = 0
        self._waiting: deque[_Waiter] = deque()

    @property
    def admitted(self) -> int:
        """Jobs admitted or waiting right now."""
        return self._running + len(self._waiting)

    @property
    def pixels_in_flight(self) -> int:
        """What the admitted jobs cost together."""
        return self._cost

    async def run(self, fn: Callable[[], T], cost: int = 0) -> T:
        """Run ``fn`` on a pool thread; ``Overloaded`` when the pool and its queue are full."""
        async with self.admission(cost) as admitted:
            return await admitted.run(fn)

    def check_room(self) -> None:
        """``Overloaded`` at once when a new job could only wait and the queue is full: the
        same answer ``admission`` would give, before anything is located or read."""
        with self._lock:
            if (self._waiting or not self._fits(0)) and not self._room_to_wait():
                raise _full()

    @asynccontextmanager
    async def admission(self, cost: int) -> AsyncIterator[Admitted]:
        """Wait for admission at ``cost`` pixels (``Overloaded`` at once when the queue is
        full); the job counts until the block ends or, once it runs, until its thread ends."""
        admitted = await self._enter(cost)
        try:
            yield admitted
        finally:
            if not admitted.submitted:
                self._leave(admitted)

    async def _enter(self, cost: int) -> Admitted:
        with self._lock:
            if not self._waiting and self._fits(cost):
                return self._grant(cost)
            if not self._room_to_wait():
                raise _full()
            waiter = _Waiter(cost)
            self._waiting.append(waiter)
        try:
            return await waiter.granted
        except asyncio.CancelledError:
            with self._lock:
                if waiter.ticket is None:
                    self._waiting.remove(waiter)
            if waiter.ticket is not None:
                self._leave(waiter.ticket)
            raise

    def _room_to_wait(self) -> bool:
        """Whether one more job may wait: the queue has a place and, with a budget, the
        jobs ahead of it (those waiting and one running) clear within ``wait_s``."""
        ahead = len(self._waiting) + 1
        if ahead > self.queue:
            return False
        return not self.wait_s or ahead * self.service_s / self.threads <= self.wait_s

    def _fits(self, cost: int) -> bool:
        if self._running >= self.threads:
            return False
        return not self.pixels or not self._running or self._cost + cost <= self.pixels

    def _grant(self, cost: int) -> Admitted:
        self._running += 1
        self._cost += cost
        return Admitted(self, cost)

    def _settle(self, admitted: Admitted, cost: int) -> None:
        if cost >= LARGE_JOB_PIXELS:
            release_free_memory(0)
        with self._changed:
            self._cost += cost - admitted.cost
            admitted.cost = cost
            while (
                self.pixels
                and self._settled_cost
                and self._settled_cost + cost > self.pixels
                and not admitted.cancelled()
            ):
                self._changed.wait(SETTLE_POLL_S)  # polled: a cancelled job stops waiting
            admitted.settled = True
            self._settled_cost += cost
            self._admit_waiting()
        lock = self._server_lock
        if lock is not None:
            exclusive = bool(self.pixels) and cost > self.pixels
            admitted.holding = lock.hold(exclusive, admitted.cancelled)

    def _leave(self, admitted: Admitted) -> None:
        with self._lock:
            if admitted.left:
                return
            admitted.left = True
            if admitted.submitted:
                held = time.monotonic() - admitted.granted_at
                weight = SERVICE_WEIGHT if self.service_s else 1.0  # the first job sets it
                self.service_s += weight * (held - self.service_s)
            self._running -= 1
            self._cost -= admitted.cost
            if admitted.settled:
                self._settled_cost -= admitted.cost
                self._changed.notify_all()
            if admitted.holding is not None:
                admitted.holding.release()
            self._admit_waiting()

    def _admit_waiting(self) -> None:
        """Grant the waiting jobs that now fit, first come first served (under the lock)."""
        while self._waiting and self._fits(self._waiting[0].cost):
            waiter = self._waiting.popleft()
            waiter.ticket = self._grant(waiter.cost)
            waiter.loop.call_soon_threadsafe(_resolve, waiter.granted, waiter.ticket)

    def close(self) -> None:
        """Cancel waiting jobs and wait for running ones."""
        self._executor.shutdown(wait=True, cancel_futures=True)


def _full() -> Overloaded:
    return Overloaded("the render queue is full, retry shortly", retry_after=1)


def _resolve(granted: asyncio.Future[Admitted], ticket: Admitted) -> None:
    if not granted.done():
        granted.set_result(ticket)
