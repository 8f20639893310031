"""Result caches through the app: hits without renders, one render for concurrent
misses, a store shared by two app instances, and purges that reach both."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from tests.support.render_app import client_for, decoded, make_app
from tests.support.uploads import api_client, new_key

pytestmark = pytest.mark.anyio

URL = "/rocket.jpg?w=120&fm=webp"


async def metric(client: httpx.AsyncClient, name: str, **labels: str) -> float:
    """The sum of the samples of ``GET /metrics`` with that name and those labels."""
    response = await client.get("/metrics")
    assert response.status_code == 200
    return sum(
        sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


async def renders(client: httpx.AsyncClient) -> float:
    return await metric(client, "enlarger_renders_total")


def shared_apps(originals: Path, tmp_path: Path) -> tuple[Starlette, Starlette]:
    """Two app instances (two nodes) over one object store and catalog."""
    data = tmp_path / "shared"
    return make_app(originals, data), make_app(originals, data, purge_check_s=0.5)


async def test_a_hit_after_a_miss_serves_the_same_bytes_without_rendering(
    originals: Path,
) -> None:
    async with client_for(make_app(originals)) as client:
        miss = await client.get(URL)
        hit = await client.get(URL)
        assert await renders(client) == 1
        assert await metric(client, "enlarger_cache_requests_total", layer="memory") == 2
        memory_hits = await metric(
            client, "enlarger_cache_requests_total", layer="memory", result="hit"
        )
    assert miss.status_code == hit.status_code == 200
    assert hit.content == miss.content
    assert hit.headers["etag"] == miss.headers["etag"]
    assert hit.headers["content-type"] == "image/webp"
    assert decoded(hit.content).size == (120, 80)
    assert memory_hits == 1


async def test_concurrent_identical_cold_requests_render_once(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        responses = await asyncio.gather(*(client.get(URL) for _ in range(40)))
        assert await renders(client) == 1
        assert await metric(client, "enlarger_singleflight_joins_total") >= 1
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1


async def test_another_node_sharing_the_store_gets_a_store_hit(
    originals: Path, tmp_path: Path
) -> None:
    first, second = shared_apps(originals, tmp_path)
    async with client_for(first) as a, client_for(second) as b:
        rendered = await a.get(URL)
        served = await b.get(URL)
        assert await renders(b) == 0
        assert await metric(b, "enlarger_cache_requests_total", layer="store", result="hit") == 1
    assert served.content == rendered.content
    assert served.headers["etag"] == rendered.headers["etag"]


async def test_a_purge_empties_both_layers_on_both_nodes(originals: Path, tmp_path: Path) -> None:
    first, second = shared_apps(originals, tmp_path)
    key = new_key(first.state.services)
    async with client_for(first) as a, client_for(second) as b, api_client(first, key) as api:
        for client in (a, b):
            await client.get(URL)
            await client.get("/rocket.jpg?w=30")
        await a.get("/rgba.png?w=30")
        assert len(second.state.results.memory) == 2
        purged = await api.post("/v1/purge", json={"url": "/rocket.jpg"})
        assert purged.status_code == 200, purged.text
        assert purged.json() == {"purged": "rocket.jpg"}
        assert len(first.state.results.memory) == 1  # rgba.png's result stays
        # the other node forgets its copies at its next look (purge_check_s = 0.5)
        await asyncio.sleep(0.6)
        again = await b.get(URL)
        assert await renders(b) == 1
        assert len(second.state.results.memory) == 1
        objects = [info.key async for info in first.state.services.store.list("results/entries")]
    assert again.status_code == 200
    assert len(objects) == 2  # rgba.png's, and the one node b has just rendered again


async def test_purge_needs_a_key_and_a_source(originals: Path) -> None:
    app = make_app(originals)
    key = new_key(app.state.services)
    async with client_for(app) as anonymous, api_client(app, key) as api:
        unauthorised = await anonymous.post("/v1/purge", json={"url": "/rocket.jpg"})
        bad = [
            await api.post("/v1/purge", content=body)
            for body in (b"", b"[]", b'{"url": ""}', b'{"image_id": "a/b"}', b'{"x": 1}', b"\xff")
        ]
        by_id = await api.post("/v1/purge", json={"image_id": "abc"})
    assert unauthorised.status_code == 401
    assert {response.status_code for response in bad} == {400}
    assert by_id.json() == {"purged": "i/abc"}


async def test_a_changed_original_is_never_served_from_older_results(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        before = await client.get("/rgba.png?w=64&fm=png")
        (originals / "rgba.png").write_bytes((originals / "rocket.jpg").read_bytes())
        after = await client.get("/rgba.png?w=64&fm=png")
        assert await renders(client) == 2
    assert before.headers["etag"] != after.headers["etag"]
    assert decoded(before.content).size != decoded(after.content).size


async def test_concurrent_urls_of_one_output_render_once(originals: Path) -> None:
    """Boxes the 640x427 rocket cannot fill all give it at its own size: once its header
    is known, concurrent misses of such URLs share one render (even with no cache)."""
    app = make_app(originals, memory_cache_bytes=0, result_store_bytes=0)
    urls = [f"/rocket.jpg?w={side}&fit=max" for side in range(700, 1500, 40)]
    async with client_for(app) as client:
        first = await client.get("/rocket.jpg?w=5000&h=5000&fit=max&dpr=2")
        responses = await asyncio.gather(*(client.get(url) for url in urls))
        rendered = await renders(client)
        joined = await metric(client, "enlarger_singleflight_joins_total")
    assert {r.status_code for r in responses} == {200}
    assert {r.content for r in responses} == {first.content}
    assert decoded(first.content).size == (640, 427)
    assert joined >= 1
    assert rendered + joined == len(urls) + 1
    # each URL keeps its own ETag
    assert len({r.headers["etag"] for r in [first, *responses]}) == len(urls) + 1


async def test_a_url_that_joined_another_urls_render_is_then_a_memory_hit(
    originals: Path,
) -> None:
    async with client_for(make_app(originals)) as client:
        await client.get("/rocket.jpg?w=100")  # the source's header becomes known
        joined = await asyncio.gather(
            *(client.get(f"/rocket.jpg?w={w}&fit=max") for w in (700, 800))
        )
        again = await asyncio.gather(
            *(client.get(f"/rocket.jpg?w={w}&fit=max") for w in (700, 800))
        )
        assert await renders(client) == 2
    assert sorted(r.headers["x-enlarger-cache"] for r in joined) == ["joined", "miss"]
    assert [r.headers["x-enlarger-cache"] for r in again] == ["memory", "memory"]
    assert [r.headers["etag"] for r in again] == [r.headers["etag"] for r in joined]
    assert again[0].content == again[1].content == joined[0].content


async def test_boxes_that_change_the_output_are_rendered_apart(originals: Path) -> None:
    app = make_app(originals, memory_cache_bytes=0, result_store_bytes=0)
    async with client_for(app) as client:
        await client.get("/rocket.jpg?w=100")
        responses = await asyncio.gather(
            *(client.get(f"/rocket.jpg?w={w}&fit=max") for w in (200, 300, 400))
        )
        assert await renders(client) == 4
    assert [decoded(r.content).width for r in responses] == [200, 300, 400]
