"""Uploads through a running worker: presets are converted, stored and served."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image as PILImage

from tests.support.uploads import WorkerApp, encoded, job_status, wait_for

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("fmt", "expected_format"), [("JPEG", "jpeg"), ("HEIF", "heic")], ids=["jpeg", "heic"]
)
async def test_presets_become_ready_and_are_served(
    with_worker: WorkerApp, fmt: str, expected_format: str
) -> None:
    pillow_heif.register_heif_opener()
    client, services = with_worker.client, with_worker.services
    response = await client.post("/v1/images", content=encoded((120, 80), (30, 160, 60), fmt=fmt))
    assert response.status_code == 201, response.text
    image = response.json()
    assert image["format"] == expected_format

    await wait_for(lambda: job_status(services, image_id=image["id"]) == "done", 20)
    shown = (await client.get(f"/v1/images/{image['id']}")).json()
    assert {name: p["status"] for name, p in shown["presets"].items()} == {
        "thumb": "ready",
        "small": "ready",
    }
    thumb = await client.get(f"/i/{image['id']}/thumb")
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/webp"
    decoded = PILImage.open(io.BytesIO(thumb.content))
    assert (decoded.format, decoded.size) == ("WEBP", (40, 40))
    small = PILImage.open(io.BytesIO((await client.get(f"/i/{image['id']}/small")).content))
    assert (small.format, small.size) == ("JPEG", (64, 43))
    _red, green, _blue = small.convert("RGB").getpixel((32, 21))  # type: ignore[misc]
    assert green > 130
