"""``auto=format`` presets: the convert job stores one derivative per negotiable format and
``/i/<id>/<preset>`` serves the one ``Accept`` asks for, with ``Vary: Accept``; on SQLite
and on PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx
import pytest

from enlarger.catalog.derivatives import preset_derivatives
from enlarger.imaging import writable_formats
from enlarger.ingest.preset_sync import queue_outdated
from enlarger.services import Services
from enlarger.spec.model import Format
from tests.support.databases import BACKENDS, empty_tables
from tests.support.images import decode, fixture, sniff
from tests.support.uploads import api_client, build_upload_app, encoded, new_key, upload_settings

pytestmark = pytest.mark.anyio

PRESETS = {"card": "w=96&auto=format", "fixed": "w=48&fm=webp&auto=format"}
CHROME = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8"
OLD_SAFARI = "image/webp,image/png,image/*;q=0.8"
CURL = "*/*"


@dataclass
class App:
    client: httpx.AsyncClient
    services: Services

    def stored_formats(self, image_id: str, preset: str) -> list[str]:
        with self.services.sessions() as session:
            return [d.format for d in preset_derivatives(session, image_id, preset)]


@pytest.fixture(params=BACKENDS)
async def app(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[App]:
    database = ""
    if request.param == "postgresql":
        database = request.getfixturevalue("postgres_database")
        empty_tables(database)
    settings = upload_settings(tmp_path / "data", database_url=database, embedded_worker=True)
    starlette, services = build_upload_app(dataclasses.replace(settings, presets=PRESETS))
    async with (
        starlette.router.lifespan_context(starlette),
        api_client(starlette, new_key(services)) as client,
    ):
        yield App(client, services)
    services.close()


async def converted(client: httpx.AsyncClient, data: bytes) -> str:
    created = await client.post("/v1/images", content=data)
    assert created.status_code == 201, created.text
    job_url = f"/v1/jobs/{created.json()['job_id']}"
    with anyio.fail_after(60):
        while (await client.get(job_url)).json()["status"] != "done":
            await anyio.sleep(0.05)
    image_id: str = created.json()["id"]
    return image_id


async def test_each_accept_gets_its_stored_format(app: App) -> None:
    client = app.client
    image_id = await converted(client, fixture("plasma_icecold_rgba_320.png"))
    served = {}
    for accept in (CHROME, OLD_SAFARI, CURL):
        response = await client.get(f"/i/{image_id}/card", headers={"accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["vary"] == "Accept"
        assert sniff(response.content) == response.headers["content-type"].removeprefix("image/")
        assert decode(response.content).width == 96
        served[accept] = (response.headers["content-type"], response.headers["etag"])
    avif = Format.AVIF in writable_formats()
    assert served[CHROME][0] == ("image/avif" if avif else "image/webp")
    assert served[OLD_SAFARI][0] == "image/webp"
    assert served[CURL][0] == "image/png"  # the source has alpha: PNG, not JPEG
    assert len({etag for _, etag in served.values()}) == 3 if avif else 2
    assert app.stored_formats(image_id, "card") == [*(["avif"] if avif else []), "png", "webp"]


async def test_a_photo_without_alpha_falls_back_to_jpeg(app: App) -> None:
    client = app.client
    image_id = await converted(client, encoded((200, 150), (30, 120, 200)))
    response = await client.get(f"/i/{image_id}/card", headers={"accept": CURL})
    assert (response.status_code, response.headers["content-type"]) == (200, "image/jpeg")
    assert decode(response.content).avg() == pytest.approx((30 + 120 + 200) / 3, abs=3)


async def test_a_preset_whose_fm_decides_stores_one_format_and_does_not_vary(
    app: App,
) -> None:
    client = app.client
    image_id = await converted(client, encoded((200, 150), (200, 60, 30)))
    for accept in (CHROME, CURL):
        response = await client.get(f"/i/{image_id}/fixed", headers={"accept": accept})
        assert (response.status_code, response.headers["content-type"]) == (200, "image/webp")
        assert "vary" not in response.headers
    assert app.stored_formats(image_id, "fixed") == ["webp"]


async def test_a_negotiated_preset_stored_before_variants_is_outdated(app: App) -> None:
    """A catalog converted before this change has the fallback row only: that preset is
    ``outdated`` (404) until ``presets sync`` converts it again, never served as JPEG alone."""
    image_id = await converted(app.client, encoded((200, 150), (90, 160, 60)))
    with app.services.sessions.begin() as session:
        for row in preset_derivatives(session, image_id, "card"):
            if row.format != "jpg":
                session.delete(row)
    response = await app.client.get(f"/i/{image_id}/card", headers={"accept": CHROME})
    assert response.status_code == 404
    assert response.json()["status"] == "outdated"
    with app.services.sessions.begin() as session:
        assert queue_outdated(session, app.services.preset_specs) != {}
