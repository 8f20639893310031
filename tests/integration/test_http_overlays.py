"""Watermarks, blend images and image masks through the real app: each extra image is
located in the same web folder (or fetched by URL where the configuration allows it),
its identity is part of the ETag, and a missing or refused one is a 4xx naming its role."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.support.origin_server import WebOriginServer
from tests.support.render_app import FIXTURES, client_for, decoded, error_of, make_app

pytestmark = pytest.mark.anyio

PLAIN = "/rocket.jpg?w=320&fm=png"


def _app(originals: Path, **overrides: Any) -> Starlette:
    return make_app(originals, None, embedded_worker=False, **overrides)


async def test_a_watermark_by_path_is_drawn_and_in_the_etag(originals: Path) -> None:
    async with client_for(_app(originals)) as client:
        plain = await client.get(PLAIN)
        marked = await client.get(PLAIN + "&mark=rgba.png&mark-w=100&mark-pad=0")
        assert marked.status_code == 200
        assert marked.headers["etag"] != plain.headers["etag"]
        before, after = decoded(plain.content), decoded(marked.content)
        assert after.size == before.size == (320, 214)
        corner = (319 - 50, 213 - 20)  # inside the mark, 100 x 56 at the bottom right
        assert after.getpixel(corner) != before.getpixel(corner)
        assert after.getpixel((10, 10)) == before.getpixel((10, 10))
        shutil.copyfile(FIXTURES / "skimage_chelsea_225.png", originals / "rgba.png")
        changed = await client.get(PLAIN + "&mark=rgba.png&mark-w=100&mark-pad=0")
        assert changed.headers["etag"] != marked.headers["etag"]


async def test_blend_and_mask_images_by_path(originals: Path) -> None:
    async with client_for(_app(originals)) as client:
        blended = await client.get(PLAIN + "&blend=rgba.png&blend-mode=multiply")
        masked = await client.get(PLAIN + "&mask=rgba.png")
    assert blended.status_code == masked.status_code == 200
    assert decoded(masked.content).mode == "RGBA"


@pytest.mark.parametrize("query", ["mark=nope.png", "blend=nope.png", "mask=nope.png"])
async def test_a_missing_extra_image_is_a_404_naming_its_role(originals: Path, query: str) -> None:
    async with client_for(_app(originals)) as client:
        response = await client.get(f"{PLAIN}&{query}")
    assert response.status_code == 404
    role = {"mark": "watermark", "blend": "blend", "mask": "mask"}[query.partition("=")[0]]
    assert error_of(response)["source"] == role


async def test_urls_are_refused_unless_configured(
    originals: Path, web_origin: WebOriginServer
) -> None:
    web_origin.files["/logo.png"] = (FIXTURES / "plasma_icecold_rgba_320.png").read_bytes()
    query = f"{PLAIN}&mark={web_origin.url('/logo.png')}&mark-w=80"
    async with client_for(_app(originals)) as client:
        refused = await client.get(query)
    assert refused.status_code == 400
    assert error_of(refused)["source"] == "watermark"
    assert web_origin.requests == []
    allowed = _app(originals, overlay_urls=True, origin_allow_private=True)
    async with client_for(allowed) as client:
        drawn = await client.get(query)
    assert drawn.status_code == 200
    assert web_origin.statuses("/logo.png") == [200]


async def test_a_url_to_a_private_address_meets_the_ssrf_guard(
    originals: Path, web_origin: WebOriginServer
) -> None:
    web_origin.files["/logo.png"] = (FIXTURES / "plasma_icecold_rgba_320.png").read_bytes()
    async with client_for(_app(originals, overlay_urls=True)) as client:
        response = await client.get(f"{PLAIN}&mark={web_origin.url('/logo.png')}")
    assert 400 <= response.status_code < 500
    assert web_origin.requests == []
