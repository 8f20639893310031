"""The render route over a web folder of real photos: bytes, sizes and CDN headers."""

from __future__ import annotations

import os
import re
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from tests.support.images import fixture, heic
from tests.support.render_app import (
    ROCKET_SIZE,
    client_for,
    decoded,
    held_render_threads,
    make_app,
)

pytestmark = pytest.mark.anyio


async def test_renders_the_requested_size_and_format(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get("/rocket.jpg?w=160&fm=png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert int(response.headers["content-length"]) == len(response.content)
    image = decoded(response.content)
    assert (image.format, image.size) == ("PNG", (160, round(160 * 427 / 640)))


async def test_a_heic_original_in_the_web_folder_renders(originals: Path) -> None:
    (originals / "photo.heic").write_bytes(heic(fixture("skimage_rocket.jpg"), 160))
    async with client_for(make_app(originals)) as client:
        response = await client.get("/photo.heic?w=64&fm=jpg")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    image = decoded(response.content)
    assert (image.format, image.size) == ("JPEG", (64, 43))


async def test_without_parameters_the_source_comes_back_at_its_size(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get("/rocket.jpg")
    assert response.headers["content-type"] == "image/jpeg"
    assert decoded(response.content).size == ROCKET_SIZE


async def test_cache_headers(originals: Path) -> None:
    app = make_app(originals, cache_control="public, max-age=60")
    async with client_for(app) as client:
        response = await client.get("/rocket.jpg?w=40&fm=webp")
    etag = response.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    assert response.headers["cache-control"] == "public, max-age=60"
    modified = parsedate_to_datetime(response.headers["last-modified"]).timestamp()
    assert modified == int((originals / "rocket.jpg").stat().st_mtime)
    assert "vary" not in response.headers
    assert response.headers["access-control-allow-origin"] == "*"


async def test_etag_follows_the_canonical_spec_and_the_source(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        first = await client.get("/rocket.jpg?w=40&h=30&fit=crop")
        reordered = await client.get("/rocket.jpg?fit=crop&h=30&w=40")
        other = await client.get("/rocket.jpg?w=41&h=30&fit=crop")
        source = originals / "rocket.jpg"
        stat = source.stat()
        os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        touched = await client.get("/rocket.jpg?w=40&h=30&fit=crop")
    async with client_for(make_app(originals, avif_effort=3)) as client:  # not the default
        other_options = await client.get("/rocket.jpg?w=40&h=30&fit=crop")
    assert first.headers["etag"] == reordered.headers["etag"]
    assert other_options.headers["etag"] not in {first.headers["etag"], touched.headers["etag"]}
    assert first.content == reordered.content
    assert other.headers["etag"] != first.headers["etag"]
    assert touched.headers["etag"] != first.headers["etag"]


async def test_if_none_match_gives_304_without_rendering(originals: Path) -> None:
    # no result cache: the stale request must reach the (full) pool
    app = make_app(
        originals, render_threads=1, render_queue=0, memory_cache_bytes=0, result_store_bytes=0
    )
    async with client_for(app) as client:
        fresh = await client.get("/rocket.jpg?w=50")
        etag = fresh.headers["etag"]
        # Even with every render thread taken the validator is answered: no render needed.
        async with held_render_threads(app, 1):
            revalidated = await client.get("/rocket.jpg?w=50", headers={"if-none-match": etag})
            weak = await client.get("/rocket.jpg?w=50", headers={"if-none-match": f"W/{etag}"})
            listed = await client.get(
                "/rocket.jpg?w=50", headers={"if-none-match": f'"other", {etag}'}
            )
            stale = await client.get("/rocket.jpg?w=50", headers={"if-none-match": '"other"'})
    for response in (revalidated, weak, listed):
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == fresh.headers["cache-control"]
    assert stale.status_code == 429


async def test_head_has_the_get_headers_and_no_body(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        got = await client.get("/rocket.jpg?w=70&fm=webp")
        head = await client.head("/rocket.jpg?w=70&fm=webp")
    assert head.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "last-modified", "cache-control"):
        assert head.headers[name] == got.headers[name]
    assert int(head.headers["content-length"]) == len(got.content)


async def test_format_negotiation_sets_vary_and_keys_the_etag(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        webp = await client.get("/rocket.jpg?w=30&auto=format", headers={"accept": "image/webp"})
        avif = await client.get(
            "/rocket.jpg?w=30&auto=format", headers={"accept": "image/avif,image/webp"}
        )
        plain = await client.get("/rocket.jpg?w=30&auto=format", headers={"accept": "*/*"})
    assert webp.headers["content-type"] == "image/webp"
    assert decoded(webp.content).format == "WEBP"
    assert avif.headers["content-type"] == "image/avif"
    assert plain.headers["content-type"] == "image/jpeg"
    for response in (webp, avif, plain):
        assert response.headers["vary"] == "Accept"
    assert len({webp.headers["etag"], avif.headers["etag"], plain.headers["etag"]}) == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "dl=na%C3%AFve%20%22photo%22.jpg",
            'attachment; filename="naive _photo_.jpg"; '
            "filename*=UTF-8''na%C3%AFve%20%22photo%22.jpg",
        ),
        (
            "dl=%E6%9D%B1%E4%BA%AC%3B%20x%25.jpg",
            "attachment; filename=\"; x_.jpg\"; filename*=UTF-8''%E6%9D%B1%E4%BA%AC%3B%20x%25.jpg",
        ),
        ("dl=&fm=png", "attachment; filename=\"rocket.png\"; filename*=UTF-8''rocket.png"),
    ],
)
async def test_dl_sets_a_safe_content_disposition(
    originals: Path, query: str, expected: str
) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get(f"/rocket.jpg?w=20&{query}")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == expected


@pytest.mark.parametrize(
    ("setting", "expected"), [("https://www.example.com", "https://www.example.com"), ("", None)]
)
async def test_cors_origin_comes_from_settings(
    originals: Path, setting: str, expected: str | None
) -> None:
    async with client_for(make_app(originals, cors_origin=setting)) as client:
        image = await client.get("/rocket.jpg?w=20")
        missing = await client.get("/absent.jpg")
    assert image.headers.get("access-control-allow-origin") == expected
    assert missing.headers.get("access-control-allow-origin") == expected


async def test_unicode_and_special_paths_are_served(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get("/%E6%9D%B1%E4%BA%AC/%E5%86%99%E7%9C%9F%201.jpg?w=64")
    assert response.status_code == 200
    assert decoded(response.content).size == (64, 43)
