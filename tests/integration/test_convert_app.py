"""The worker inside the app: an upload is converted in the background and served by preset."""

from __future__ import annotations

import io
from pathlib import Path

import anyio
import pytest
from PIL import Image as PILImage

from tests.support.uploads import api_client, build_upload_app, encoded, new_key, upload_settings

pytestmark = pytest.mark.anyio


async def test_an_upload_is_converted_by_the_embedded_worker(tmp_path: Path) -> None:
    app, services = build_upload_app(upload_settings(tmp_path / "data", embedded_worker=True))
    async with app.router.lifespan_context(app), api_client(app, new_key(services)) as client:
        created = await client.post("/v1/images", content=encoded((320, 240)))
        assert created.status_code == 201, created.text
        job_url = f"/v1/jobs/{created.json()['job_id']}"
        with anyio.fail_after(20):
            while (report := (await client.get(job_url)).json())["status"] != "done":
                assert report["status"] in {"queued", "running"}, report
                await anyio.sleep(0.05)
        thumb = await client.get(f"/i/{created.json()['id']}/thumb")
    assert (report["attempts"], report["errors"]) == (1, [])
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/webp"
    assert PILImage.open(io.BytesIO(thumb.content)).size == (40, 40)
