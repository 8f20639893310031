"""The render pool sheds load (429) and enforces the deadline (503); health and readiness."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.render_app import client_for, error_of, held_render_threads, make_app

pytestmark = pytest.mark.anyio


async def test_a_full_queue_sheds_load_with_429(originals: Path) -> None:
    app = make_app(originals, render_threads=1, render_queue=1)
    async with client_for(app) as client:
        async with held_render_threads(app, 2):  # one running, one waiting: all taken
            shed = await client.get("/rocket.jpg?w=10")
        after = await client.get("/rocket.jpg?w=10")
    assert shed.status_code == 429
    assert shed.headers["retry-after"] == "1"
    assert error_of(shed)["error"] == "overloaded"
    assert after.status_code == 200


async def test_a_request_past_its_deadline_is_503_and_frees_its_place(originals: Path) -> None:
    # the deadline leaves the request after it room to render on a busy machine
    app = make_app(originals, render_threads=1, render_queue=1, deadline_s=1.0)
    async with client_for(app) as client:
        async with held_render_threads(app, 1):
            started = time.monotonic()
            late = await client.get("/rocket.jpg?w=10")
            waited = time.monotonic() - started
            assert app.state.render_pool.admitted == 1  # the timed-out job left the queue
        after = await client.get("/rocket.jpg?w=10")
    assert late.status_code == 503
    assert late.headers["retry-after"] == "1"
    assert error_of(late)["error"] == "deadline_exceeded"
    assert 1.0 <= waited < 4
    assert after.status_code == 200


async def test_health_answers_without_the_pool(originals: Path) -> None:
    app = make_app(originals, render_threads=1, render_queue=0)
    async with client_for(app) as client, held_render_threads(app, 1):
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_renders_through_libvips(originals: Path) -> None:
    app = make_app(originals)
    async with client_for(app) as client:
        response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "probe": [1, 1]}


async def test_ready_is_503_when_the_pool_cannot_take_work(originals: Path) -> None:
    app = make_app(originals, render_threads=1, render_queue=0)
    async with client_for(app) as client, held_render_threads(app, 1):
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert error_of(response)["error"] == "not_ready"


async def test_ready_without_originals(tmp_path: Path) -> None:
    async with client_for(make_app(None, tmp_path)) as client:
        response = await client.get("/ready")
    assert response.status_code == 200


async def test_the_lifespan_closes_the_pool(originals: Path) -> None:
    app = make_app(originals)
    async with app.router.lifespan_context(app):
        async with client_for(app) as client:
            response = await client.get("/rocket.jpg?w=10")
        assert response.status_code == 200
    with pytest.raises(RuntimeError, match="shutdown"):
        await app.state.render_pool.run(lambda: None)
