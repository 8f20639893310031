"""The cache layers on their own: the LRU by bytes, the store layer's sweep, single-flight."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from enlarger.cache import Entry, MemoryCache, ResultKey, StoreCache
from enlarger.cache.flight import SingleFlight
from enlarger.storage import open_store

pytestmark = pytest.mark.anyio


def entry(size: int, tag: str = "e") -> Entry:
    return Entry(b"x" * size, f'"{tag}"', "image/webp", "webp")


async def test_the_memory_layer_evicts_the_least_recently_used_by_bytes() -> None:
    memory = MemoryCache(max_bytes=8000)
    a, b, c = (ResultKey("a.jpg", v) for v in ("1", "2", "3"))
    await memory.put(a, entry(400))
    await memory.put(b, entry(600))
    assert await memory.get(a) is not None  # a is now the most recently used
    for n in range(20):  # 20 x 400 bytes: over the budget, older ones go first
        await memory.put(ResultKey("other.jpg", str(n)), entry(400))
        assert memory.bytes <= 8000
    assert await memory.get(b) is None
    await memory.put(c, entry(1001))  # over an eighth of the budget: not kept
    assert await memory.get(c) is None
    assert memory.bytes == 8000
    assert len(memory) == 20


async def test_a_memory_purge_forgets_only_that_source() -> None:
    memory = MemoryCache(max_bytes=10_000)
    kept, gone = ResultKey("kept.jpg", "1"), ResultKey("gone.jpg", "1")
    await memory.put(kept, entry(10))
    await memory.put(ResultKey("gone.jpg", "2"), entry(10))
    await memory.put(gone, entry(10))
    await memory.purge("gone.jpg")
    assert await memory.get(gone) is None
    assert await memory.get(kept) is not None
    assert (len(memory), memory.bytes) == (1, 10)


async def test_the_store_layer_round_trips_and_sweeps_the_oldest(tmp_path: Path) -> None:
    store = open_store("", tmp_path)
    shared = StoreCache(store, max_bytes=16_000)
    first = ResultKey("a.jpg", "first")
    await shared.put(first, Entry(b"\x00\xffdata", '"abc"', "image/png", "png"))
    assert await shared.get(first) == Entry(b"\x00\xffdata", '"abc"', "image/png", "png")
    for n in range(12):  # each ~2 KB: the sweeps keep the total within the budget
        await shared.put(ResultKey("b.jpg", f"v{n}"), entry(2000))
        await asyncio.sleep(0.01)  # distinct modification times
    total = sum([info.size async for info in store.list("results")])
    assert total <= 16_000
    assert await shared.get(first) is None  # the oldest went first
    assert await shared.get(ResultKey("b.jpg", "v11")) is not None


async def test_single_flight_runs_concurrent_work_once() -> None:
    flights: SingleFlight[str, int] = SingleFlight()
    runs = 0

    async def work() -> int:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.05)
        return 42

    results = await asyncio.gather(*(flights.run("k", work) for _ in range(10)))
    assert runs == 1
    assert sorted(joined for _, joined in results) == [False] + [True] * 9
    assert {value for value, _ in results} == {42}
    assert len(flights) == 0
