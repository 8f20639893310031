"""Analysis outputs over HTTP: the document's media type and body, cached like renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.render_app import ROCKET_SIZE, client_for, make_app

pytestmark = pytest.mark.anyio


async def test_fm_json_answers_the_sources_metadata(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get("/rocket.jpg?fm=json&w=100")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    meta = response.json()
    assert (meta["PixelWidth"], meta["PixelHeight"]) == ROCKET_SIZE
    assert meta["ProfileName"] == "Adobe RGB (1998)"
    assert "etag" in response.headers


async def test_palette_css_and_blurhash_have_their_media_types(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        css = await client.get("/rocket.jpg?palette=css&colors=3&prefix=p")
        hashed = await client.get("/rocket.jpg?fm=blurhash&w=32")
        bad = await client.get("/rocket.jpg?palette=xml")
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert css.text.count(".p-bg-") == 3
    assert hashed.headers["content-type"] == "text/plain; charset=utf-8"
    assert len(hashed.text) == 28
    assert bad.status_code == 400
    assert bad.json()["parameter"] == "palette"
