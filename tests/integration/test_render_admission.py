"""Admission in pixels: refused renders read nothing, late renders stop, heavy encoders
are bounded, uploads are admitted by bytes in flight."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import dataclasses
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from enlarger.cache import LayeredResults
from enlarger.cache.layered import open_results
from enlarger.dialects import ImgixDialect
from enlarger.errors import Overloaded
from enlarger.http.errors import EXCEPTION_HANDLERS
from enlarger.http.pool import LARGE_JOB_PIXELS, Admitted, RenderPool
from enlarger.http.render import Renderer, web_folder_routes
from enlarger.http.server_lock import Hold, ServerRenderLock
from enlarger.imaging import writable_formats
from enlarger.origins.base import Source
from enlarger.origins.local import WebFolder
from enlarger.services import render_options
from enlarger.settings import Settings
from enlarger.storage import open_store
from tests.support.render_app import BASE_URL, client_for, error_of, make_app
from tests.support.uploads import api_client, build_upload_app, encoded, new_key, upload_settings

pytestmark = pytest.mark.anyio

#: rocket.jpg (640x427, ~30 KB) at 2000x2000 px: about 4 M pixels each.
BIG = "/rocket.jpg?w=2000&h=2000&fit=crop&fm=png"


class GatedOrigin:
    """A web folder that counts locates and reads and holds each read until ``opened`` is set."""

    def __init__(self, root: Path) -> None:
        self._folder = WebFolder(root, 10_000_000)
        self.locates = 0
        self.reads = 0
        self.opened = asyncio.Event()

    async def locate(self, path: str) -> Source:
        self.locates += 1
        found = await self._folder.locate(path)

        async def read() -> bytes:
            self.reads += 1
            await self.opened.wait()
            return await found.read()

        return dataclasses.replace(found, read=read)


@asynccontextmanager
async def gated_client(
    originals: Path, results: LayeredResults | None = None, **overrides: object
) -> AsyncIterator[tuple[httpx.AsyncClient, GatedOrigin, RenderPool]]:
    settings = Settings.load(environ={}, overrides={"originals": originals, **overrides})
    server = settings.server
    pool = RenderPool(server.render_threads, server.render_queue, server.render_pixels_in_flight)
    options = render_options(settings.render)
    dialect = ImgixDialect(None, writable_formats())
    renderer = Renderer(settings, pool, options, dialect, "t", results=results)
    origin = GatedOrigin(originals)
    app = Starlette(
        routes=web_folder_routes(renderer, [("", origin)]), exception_handlers=EXCEPTION_HANDLERS
    )
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield client, origin, pool
    finally:
        pool.close()


async def test_renders_beyond_the_pixel_budget_get_429_before_reading(originals: Path) -> None:
    """Eight threads, no queue, room for two big renders' pixels: two are admitted and
    read their source, six are refused at once without a read."""
    async with gated_client(
        originals, render_threads=8, render_queue=0, render_pixels_in_flight=9_000_000
    ) as (client, origin, pool):
        tasks = [asyncio.create_task(client.get(BIG)) for _ in range(8)]
        async with asyncio.timeout(10):
            while sum(task.done() for task in tasks) < 6:
                await asyncio.sleep(0.005)
        refused = [task.result() for task in tasks if task.done()]
        assert origin.reads == 2
        assert pool.admitted == 2
        origin.opened.set()
        responses = await asyncio.gather(*tasks)
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * 2 + [429] * 6
    for response in refused:
        assert response.status_code == 429
        assert response.headers["retry-after"] == "1"
        assert error_of(response)["error"] == "overloaded"
    assert origin.reads == 2
    assert pool.admitted == 0
    assert pool.pixels_in_flight == 0


async def test_a_full_queue_sheds_before_locating_the_source(originals: Path) -> None:
    """One thread busy, one request waiting, a queue of one: the next twelve get 429 with
    Retry-After without their source being located, let alone read or decoded."""
    async with gated_client(originals, render_threads=1, render_queue=1) as (client, origin, pool):
        held = [asyncio.create_task(client.get(f"/rocket.jpg?w={w}")) for w in (20, 21)]
        async with asyncio.timeout(10):
            while pool.admitted < 2:
                await asyncio.sleep(0.005)
        shed = await asyncio.gather(*(client.get(f"/rocket.jpg?w={30 + i}") for i in range(12)))
        assert (origin.locates, origin.reads) == (2, 1)
        origin.opened.set()
        served = await asyncio.gather(*held)
    assert [response.status_code for response in shed] == [429] * 12
    assert {response.headers["retry-after"] for response in shed} == {"1"}
    assert {error_of(response)["error"] for response in shed} == {"overloaded"}
    assert [response.status_code for response in served] == [200, 200]
    assert origin.locates == 2


async def test_a_full_queue_still_serves_results_it_answered_before(
    originals: Path, tmp_path: Path
) -> None:
    """Shedding before the lookup spares URLs answered lately: a cached result is served
    while the queue is full, and a URL not seen before is still refused."""
    settings = Settings.load(environ={}, overrides={"originals": originals})
    results = open_results(settings.cache, open_store("", tmp_path))
    async with gated_client(originals, results, render_threads=1, render_queue=1) as (
        client,
        origin,
        pool,
    ):
        origin.opened.set()
        first = await client.get("/rocket.jpg?w=25")
        origin.opened.clear()
        held = [asyncio.create_task(client.get(f"/rocket.jpg?w={w}")) for w in (20, 21)]
        async with asyncio.timeout(10):
            while pool.admitted < 2:
                await asyncio.sleep(0.005)
        reads = origin.reads
        again = await client.get("/rocket.jpg?w=25")
        new = await client.get("/rocket.jpg?w=26")
        assert origin.reads == reads  # the hit read nothing; the new URL was refused first
        origin.opened.set()
        await asyncio.gather(*held)
    assert first.status_code == 200
    assert again.status_code == 200
    assert again.content == first.content
    assert new.status_code == 429


async def test_waiting_renders_hold_no_source_until_admitted(originals: Path) -> None:
    """One thread and a queue: the waiting requests read only once admitted, and all succeed."""
    async with gated_client(originals, render_threads=1, render_queue=4) as (client, origin, _):
        tasks = [asyncio.create_task(client.get("/rocket.jpg?w=20")) for _ in range(3)]
        async with asyncio.timeout(10):
            while origin.reads < 1:
                await asyncio.sleep(0.005)
        await asyncio.sleep(0.05)
        assert origin.reads == 1  # the two waiting ones hold nothing
        origin.opened.set()
        responses = await asyncio.gather(*tasks)
    assert [response.status_code for response in responses] == [200] * 3
    assert origin.reads == 3


async def test_a_render_past_its_deadline_stops_and_frees_the_pool(originals: Path) -> None:
    """A PNG of 8192x5467 px takes seconds to encode; cancelled at 0.3 s it stops within
    a tile, so the only thread is free well before it would have finished."""
    app = make_app(
        originals, render_threads=1, render_queue=0, deadline_s=0.3, max_output_pixels=10**8
    )
    pool = app.state.render_pool
    async with client_for(app) as client:
        late = await client.get("/rocket.jpg?w=8192&fm=png")
        async with asyncio.timeout(1.5):
            while pool.admitted:
                await asyncio.sleep(0.01)
        after = await client.get("/rocket.jpg?w=10")
    assert late.status_code == 503
    assert error_of(late)["error"] == "deadline_exceeded"
    assert after.status_code == 200
    assert pool.pixels_in_flight == 0


@pytest.mark.parametrize(
    "query",
    [
        "w=8192&lossless=true&fm=webp",
        "w=8192&fm=gif",
        "w=8192&fm=avif",
        "w=5000&fm=webp&lossless=1",
    ],
)
async def test_heavy_encoders_are_refused_above_their_output_limit(
    originals: Path, query: str
) -> None:
    app = make_app(originals, max_heavy_output_pixels=16_000_000)
    async with client_for(app) as client:
        refused = await client.get(f"/rocket.jpg?{query}")
        within = await client.get("/rocket.jpg?w=1000&lossless=true&fm=webp")
    assert refused.status_code == 400
    assert error_of(refused)["error"] == "output_too_large"
    assert within.status_code == 200
    assert within.headers["content-type"] == "image/webp"


async def test_uploads_beyond_the_bytes_in_flight_get_429_before_their_body(
    tmp_path: Path,
) -> None:
    """One upload streams slowly; a second that would go over the limit is refused at
    once, its body never read; once the first ends, the next one is admitted."""
    first_body, second_body = encoded(colour=(10, 20, 30)), encoded(colour=(30, 20, 10))
    limit = len(first_body) + len(second_body) // 2
    settings = upload_settings(tmp_path / "data", upload_bytes_in_flight=limit)
    app, services = build_upload_app(settings)
    streaming, gate = asyncio.Event(), asyncio.Event()
    second_read = False

    async def slow_first() -> AsyncIterator[bytes]:
        yield first_body[:100]
        streaming.set()  # the server asked for more: the upload is admitted and reading
        await gate.wait()
        yield first_body[100:]

    async def second() -> AsyncIterator[bytes]:
        nonlocal second_read
        second_read = True
        yield second_body

    def length(body: bytes) -> dict[str, str]:
        return {"content-length": str(len(body))}

    async with api_client(app, new_key(services)) as client:
        first = asyncio.create_task(
            client.post("/v1/images", content=slow_first(), headers=length(first_body))
        )
        await asyncio.wait_for(streaming.wait(), 10)
        refused = await client.post("/v1/images", content=second(), headers=length(second_body))
        gate.set()
        created = await first
        admitted = await client.post("/v1/images", content=second_body)
    services.close()
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["error"] == "overloaded"
    assert not second_read
    assert created.status_code == 201
    assert admitted.status_code == 201


async def test_a_settled_cost_that_does_not_fit_waits_for_the_settled_jobs() -> None:
    """Two jobs admitted on small estimates settle at 80 of 100 pixels each: the second
    decodes only once the first has left, so their real costs never add up."""
    pool = RenderPool(threads=2, queue=0, pixels=100)
    events: list[str] = []
    first_settled, release_first = threading.Event(), threading.Event()

    def first(admitted: Admitted) -> None:
        admitted.settle(80)
        events.append("first decodes")
        first_settled.set()
        release_first.wait(5)
        events.append("first leaves")

    def second(admitted: Admitted) -> None:
        first_settled.wait(5)
        admitted.settle(80)
        events.append("second decodes")

    async def job(work: Callable[[Admitted], None]) -> None:
        async with pool.admission(10) as admitted:
            await admitted.run(lambda: work(admitted))

    try:
        jobs = asyncio.gather(job(first), job(second))
        await asyncio.sleep(0.3)
        assert events == ["first decodes"]  # the second waits in settle
        assert pool.admitted == 2
        release_first.set()
        await asyncio.wait_for(jobs, 5)
    finally:
        pool.close()
    assert events == ["first decodes", "first leaves", "second decodes"]
    assert pool.pixels_in_flight == 0


async def test_a_wait_budget_sheds_the_jobs_that_would_wait_past_it() -> None:
    """Jobs measured at 0.2 s, one thread, a budget of 0.3 s: with one running, one more
    may wait (0.2 s ahead of it) and the next is refused (0.4 s), though the queue has room."""
    pool = RenderPool(threads=1, queue=10, wait_s=0.3)
    pool.service_s = 0.2
    release = threading.Event()
    try:
        running = asyncio.ensure_future(pool.run(lambda: release.wait(5)))
        async with asyncio.timeout(5):
            while pool.admitted < 1:
                await asyncio.sleep(0.005)
        waiting = asyncio.ensure_future(pool.run(lambda: True))
        await asyncio.sleep(0.05)
        with pytest.raises(Overloaded):
            pool.check_room()
        with pytest.raises(Overloaded):
            await pool.run(lambda: True)
        assert pool.admitted == 2
        release.set()
        assert tuple(await asyncio.wait_for(asyncio.gather(running, waiting), 5)) == (True, True)
    finally:
        pool.close()


async def test_the_pool_measures_how_long_a_job_holds_its_place() -> None:
    pool = RenderPool(threads=1, queue=0)
    try:
        await pool.run(lambda: time.sleep(0.2))
        first = pool.service_s
        await pool.run(lambda: None)
    finally:
        pool.close()
    assert first >= 0.2
    assert 0.8 * first <= pool.service_s < first  # the next, shorter job moves it a fifth


def _free(lock: ServerRenderLock, exclusive: bool) -> bool:
    """Whether another process could hold ``lock`` now (a lock object of its own on the
    same file stands for one), without waiting."""
    hold = lock.hold(exclusive, cancelled=lambda: True)
    if hold is None:
        return False
    hold.release()
    return True


async def test_a_settled_job_holds_the_servers_lock_shared_an_oversized_one_exclusively(
    tmp_path: Path,
) -> None:
    """With several processes, every settled job holds the lock every process shares
    until its thread ends: a job that fits its process's pixels shared (others run beside
    it, an oversized one elsewhere waits), an oversized one exclusively (nothing else runs)."""
    lock_file = tmp_path / "render.lock"
    pool = RenderPool(threads=1, queue=1, pixels=100, server_lock=ServerRenderLock(lock_file))
    other = ServerRenderLock(lock_file)
    settled, leave = threading.Event(), threading.Event()

    def work(admitted: Admitted, cost: int) -> None:
        admitted.settle(cost)
        settled.set()
        leave.wait(5)

    async def job(cost: int) -> None:
        async with pool.admission(10) as admitted:
            await admitted.run(lambda: work(admitted, cost))

    try:
        for cost, shared_free in ((200, False), (50, True)):
            settled.clear()
            leave.clear()
            running = asyncio.ensure_future(job(cost))
            await asyncio.to_thread(settled.wait, 5)
            assert _free(other, exclusive=False) is shared_free, f"cost {cost}"
            assert not _free(other, exclusive=True), f"cost {cost}: an oversized job elsewhere ran"
            leave.set()
            await asyncio.wait_for(running, 5)
        assert _free(other, exclusive=True), "a finished job kept the lock"
    finally:
        pool.close()


def test_a_waiting_exclusive_holder_keeps_new_shared_holders_out(tmp_path: Path) -> None:
    lock = ServerRenderLock(tmp_path / "render.lock")
    running = lock.hold(exclusive=False, cancelled=lambda: False)
    assert running is not None
    stop = threading.Event()
    got: list[Hold | None] = []
    waiter = threading.Thread(target=lambda: got.append(lock.hold(True, stop.is_set)))
    waiter.start()
    try:
        deadline = time.monotonic() + 5
        while _free(lock, exclusive=False) and time.monotonic() < deadline:
            time.sleep(0.01)  # until the exclusive waiter has closed the gate
        assert not _free(lock, exclusive=False), "a new shared holder passed the waiting one"
        running.release()
        waiter.join(5)
        held = got[0] if got else None
        assert held is not None, "the exclusive waiter never got the lock"
        assert not _free(lock, exclusive=False)
        held.release()
        assert _free(lock, exclusive=True)
    finally:
        stop.set()
        waiter.join(5)


def test_the_lock_of_a_killed_holder_is_free_at_once(tmp_path: Path) -> None:
    lock_file = tmp_path / "render.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from enlarger.http.server_lock import ServerRenderLock; "
            f"ServerRenderLock(__import__('pathlib').Path({str(lock_file)!r}))"
            ".hold(True, lambda: False); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        assert not _free(ServerRenderLock(lock_file), exclusive=False)
        holder.kill()
        holder.wait(10)
        assert _free(ServerRenderLock(lock_file), exclusive=True)
    finally:
        holder.kill()
        holder.wait(10)
        if holder.stdout is not None:
            holder.stdout.close()


def _resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator only")
async def test_a_large_job_starts_with_the_memory_kept_free_handed_back() -> None:
    """What glibc keeps free after small jobs (for the next ones to reuse) is handed back
    before a large job decodes, so it never adds to that job's peak."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    block = 64 * 1024  # under glibc's mmap threshold: from the arena

    def leave_40_mb_free() -> int:
        blocks = [libc.malloc(block) for _ in range(640)]
        for address in blocks:
            ctypes.memset(address, 1, block)  # resident
        guard = libc.malloc(block)  # above them all: the arena's top cannot shrink
        for address in blocks:
            libc.free(address)
        return int(guard)

    pool = RenderPool(threads=1, queue=0, pixels=0, keep_free_bytes=1 << 30)
    try:
        guard = await pool.run(leave_40_mb_free)
        kept = _resident_bytes()

        async def large_job() -> int:
            async with pool.admission(0) as admitted:

                def settle_large() -> int:
                    admitted.settle(LARGE_JOB_PIXELS)
                    return _resident_bytes()

                return await admitted.run(settle_large)

        settled = await large_job()
    finally:
        pool.close()
    libc.free(guard)
    assert settled < kept - 30 * 1024 * 1024
