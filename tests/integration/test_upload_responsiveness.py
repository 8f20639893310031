"""The event loop runs no CPU work: the server answers while a large upload is checked."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import anyio
import pytest
from PIL import Image

from tests.support.uploads import api_client, build_upload_app, new_key, upload_settings

pytestmark = pytest.mark.anyio

#: the longest /health may take while the upload is validated, hashed and described.
HEALTH_BOUND_S = 0.5


def noise_png(width: int, height: int) -> bytes:
    """Uncompressed noise: ~3 bytes a pixel, and PNG has no shrink-on-load (a full decode)."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(
        out, "PNG", compress_level=0
    )
    return out.getvalue()


async def test_health_answers_quickly_while_a_large_upload_is_checked(tmp_path: Path) -> None:
    data = noise_png(4000, 3000)
    assert len(data) > 30_000_000
    settings = upload_settings(
        tmp_path / "data", max_upload_bytes=64_000_000, max_source_pixels=20_000_000
    )
    app, services = build_upload_app(settings)
    latencies: list[float] = []
    status: list[int] = []
    try:
        async with api_client(app, new_key(services)) as client:

            async def upload() -> None:
                status.append((await client.post("/v1/images", content=data)).status_code)

            async with anyio.create_task_group() as group:
                group.start_soon(upload)
                while not status:
                    started = time.perf_counter()
                    health = await client.get("/health")
                    latencies.append(time.perf_counter() - started)
                    assert health.status_code == 200
                    await anyio.sleep(0.01)
    finally:
        services.close()
    assert status == [201]
    assert len(latencies) >= 5, "the upload finished before /health was asked much"
    assert max(latencies) < HEALTH_BOUND_S, latencies
