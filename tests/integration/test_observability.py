"""``GET /metrics`` and the JSON access log, from real requests."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from prometheus_client.parser import text_string_to_metric_families

from enlarger.cli.logs import configure_logging
from tests.support.render_app import client_for, make_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The serve command's logging for one test, its stderr lines kept; then the test
    run's own logging again."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging()
    written = io.StringIO()
    (handler,) = root.handlers
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(written)
    yield written
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_metrics_move_with_requests(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        await client.get("/rocket.jpg?w=50&fm=png")
        await client.get("/missing.jpg?w=50")
        response = await client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    route = ("route", "/{path:path}")
    assert samples[("enlarger_http_requests_total", (("format", "png"), route, ("status", "200")))]
    assert samples[("enlarger_http_requests_total", (("format", ""), route, ("status", "404")))]
    assert samples[
        (
            "enlarger_http_request_duration_seconds_count",
            (("format", "png"), route, ("status", "200")),
        )
    ]
    assert samples[("enlarger_renders_total", ())] == 1
    for step in ("load", "resize", "encode"):
        assert samples[("enlarger_render_step_seconds_count", (("step", step),))] == 1
    assert samples[("enlarger_render_queue_depth", ())] == 0
    assert samples[("enlarger_renders_in_flight", ())] == 0
    assert samples[("enlarger_jobs", (("status", "queued"),))] == 0
    assert samples[("process_resident_memory_bytes", ())] > 10_000_000


async def test_one_json_access_line_per_request(originals: Path, json_logs: io.StringIO) -> None:
    async with client_for(make_app(originals)) as client:
        await client.get("/rocket.jpg?w=64&fm=webp")
        await client.get("/rocket.jpg?w=64&fm=webp")
        await client.get("/nothing-here.png")
    err = json_logs.getvalue().splitlines()
    lines = [json.loads(line) for line in err if line.startswith("{")]
    access = [line for line in lines if line["event"] == "request"]
    assert [(line["status"], line["cache"]) for line in access] == [
        (200, "miss"),
        (200, "memory"),
        (404, None),
    ]
    miss, hit, _ = access
    assert miss["method"] == "GET"
    assert miss["path"] == "/rocket.jpg"
    assert miss["query"] == "w=64&fm=webp"
    assert miss["format"] == "webp"
    assert miss["bytes"] == hit["bytes"] > 0
    assert miss["source_bytes"] == (originals / "rocket.jpg").stat().st_size
    assert set(miss["timings_ms"]) == {"fetch", "queue", "render", "encode", "total"}
    assert set(hit["timings_ms"]) == {"total"}
    assert "time" in miss
    assert "timestamp" in miss
