"""Origins mounted at prefixes: web folders over HTTP (origin cache, revalidation, limits,
the SSRF guard), the signed-only web proxy, an S3 bucket, a local folder; client hints."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from starlette.applications import Starlette

from enlarger.errors import ConfigError
from enlarger.security.signing import signature
from enlarger.settings import OriginMount, Settings
from enlarger.storage.url import open_store
from tests.support.images import fixture
from tests.support.origin_server import WebOriginServer
from tests.support.render_app import ROCKET_SIZE, client_for, decoded, error_of
from tests.support.seaweedfs import SeaweedS3

pytestmark = pytest.mark.anyio

ROCKET = fixture("skimage_rocket.jpg")
SIGN_KEY = "origin-test-key"


def app_with(data_dir: Path, *mounts: OriginMount, **overrides: Any) -> Starlette:
    from enlarger.app import build_app

    given = {"data_dir": data_dir, "origin_allow_private": True, "embedded_worker": False}
    settings = Settings.load(environ={}, overrides={**given, **overrides})
    return build_app(dataclasses.replace(settings, origins=mounts))


def web(server: WebOriginServer, base: str = "/") -> OriginMount:
    return OriginMount(name="web", url=server.url(base), prefix="web")


@pytest.fixture
def served(web_origin: WebOriginServer) -> WebOriginServer:
    web_origin.files["/photos/rocket.jpg"] = ROCKET
    return web_origin


async def test_a_web_folder_renders_and_keeps_the_original(
    tmp_path: Path, served: WebOriginServer
) -> None:
    app = app_with(tmp_path, web(served))
    async with client_for(app) as client:
        first = await client.get("/web/photos/rocket.jpg?w=100")
        second = await client.get("/web/photos/rocket.jpg?w=60")
        again = await client.get("/web/photos/rocket.jpg?w=100")
    assert first.status_code == 200
    assert decoded(first.content).width == 100
    assert decoded(second.content).width == 60
    assert served.statuses("/photos/rocket.jpg") == [200]  # the origin cache had it
    assert first.headers["x-enlarger-cache"] == "miss"
    assert again.headers["x-enlarger-cache"] == "memory"
    assert again.headers["etag"] == first.headers["etag"]
    assert list((tmp_path / "origin-cache").glob("*/*.body"))


async def test_a_stale_original_is_revalidated_and_a_changed_one_renders_anew(
    tmp_path: Path, served: WebOriginServer
) -> None:
    app = app_with(tmp_path, web(served), origin_fresh_s=0.0)
    async with client_for(app) as client:
        first = await client.get("/web/photos/rocket.jpg?w=100")
        same = await client.get("/web/photos/rocket.jpg?w=100")
        served.files["/photos/rocket.jpg"] = fixture("plasma_icecold_rgba_320.png")
        changed = await client.get("/web/photos/rocket.jpg?w=100")
    assert served.statuses("/photos/rocket.jpg") == [200, 304, 200]
    assert same.headers["etag"] == first.headers["etag"]
    assert same.headers["x-enlarger-cache"] == "memory"
    assert changed.headers["etag"] != first.headers["etag"]
    assert changed.headers["x-enlarger-cache"] == "miss"
    assert decoded(changed.content).size == (100, 56)  # the 320x180 PNG now


async def test_fetch_limits(tmp_path: Path, served: WebOriginServer) -> None:
    app = app_with(
        tmp_path,
        web(served),
        origin_read_timeout_s=0.3,
        origin_connect_timeout_s=0.3,
        origin_max_redirects=2,
        max_source_bytes=len(ROCKET) - 1,
    )
    served.files["/small.jpg"] = ROCKET[:1000]
    async with client_for(app) as client:
        slow = await client.get("/web/slow/photos/rocket.jpg?w=10")
        big = await client.get("/web/photos/rocket.jpg?w=10")
        two_hops = await client.get("/web/hop/2/small.jpg?w=10")
        three_hops = await client.get("/web/hop/3/small.jpg?w=10")
        missing = await client.get("/web/photos/none.jpg?w=10")
    assert slow.status_code == 504
    assert error_of(slow)["error"] == "fetch_timeout"
    assert big.status_code == 413
    assert two_hops.status_code == 422  # fetched (a truncated JPEG): not an image
    assert error_of(two_hops)["error"] != "fetch_failed"
    assert three_hops.status_code == 422
    assert "redirects" in error_of(three_hops)["message"]
    assert missing.status_code == 404


async def test_the_ssrf_guard_and_the_allow_list(tmp_path: Path, served: WebOriginServer) -> None:
    guarded = app_with(tmp_path / "a", web(served), origin_allow_private=False)
    listed = app_with(tmp_path / "b", web(served), origin_allowed_hosts="images.example.org")
    async with client_for(guarded) as client:
        loopback = await client.get("/web/photos/rocket.jpg?w=10")
    async with client_for(listed) as client:
        unlisted = await client.get("/web/photos/rocket.jpg?w=10")
    assert loopback.status_code == 403
    assert error_of(loopback)["error"] == "blocked_address"
    assert unlisted.status_code == 403
    assert "allowed" in error_of(unlisted)["message"]
    assert served.requests == []


async def test_every_redirect_is_checked_against_the_allow_list(
    tmp_path: Path, served: WebOriginServer
) -> None:
    served.redirects["/elsewhere.jpg"] = f"http://localhost:{served.port}/photos/rocket.jpg"
    app = app_with(tmp_path, web(served), origin_allowed_hosts="127.0.0.1")
    async with client_for(app) as client:
        listed = await client.get("/web/hop/1/photos/rocket.jpg?w=10")
        unlisted = await client.get("/web/elsewhere.jpg?w=10")
    assert listed.status_code == 200
    # localhost is the same server, but not on the list: the hop is refused, not fetched
    assert unlisted.status_code == 403
    assert "localhost" in error_of(unlisted)["message"]
    assert served.statuses("/photos/rocket.jpg") == [200]


def signed(path: str, query: str) -> str:
    return f"{path}?{query}&s={signature(SIGN_KEY, path.encode(), query.encode())}"


async def test_the_web_proxy_serves_signed_urls_only(
    tmp_path: Path, served: WebOriginServer
) -> None:
    proxy = OriginMount(name="proxy", url="proxy:", prefix="proxy")
    with pytest.raises(ConfigError, match="sign_key"):
        app_with(tmp_path / "unsigned", proxy)
    app = app_with(tmp_path, proxy, sign_key=SIGN_KEY)
    path = "/proxy/" + quote(served.url("/photos/rocket.jpg"), safe="")
    async with client_for(app) as client:
        unsigned = await client.get(f"{path}?w=80")
        ok = await client.get(signed(path, "w=80"))
    assert unsigned.status_code == 403
    assert ok.status_code == 200
    assert decoded(ok.content).width == 80
    assert served.statuses("/photos/rocket.jpg") == [200]


async def test_local_folder_and_upload_mounts(tmp_path: Path, originals: Path) -> None:
    folder = OriginMount(name="disk", url=originals.as_uri(), prefix="disk/photos")
    app = app_with(tmp_path, folder)
    async with client_for(app) as client:
        ok = await client.get("/disk/photos/rocket.jpg?w=30")
        outside = await client.get("/disk/rocket.jpg?w=30")
    assert decoded(ok.content).width == 30
    assert outside.status_code == 404


@pytest.mark.seaweedfs
async def test_an_s3_bucket(tmp_path: Path, seaweedfs: SeaweedS3) -> None:
    url = seaweedfs.url()
    await open_store(url, tmp_path).put("shots/rocket.jpg", ROCKET)
    app = app_with(tmp_path, OriginMount(name="bucket", url=url, prefix="s3"))
    async with client_for(app) as client:
        ok = await client.get("/s3/shots/rocket.jpg?w=64")
        missing = await client.get("/s3/shots/none.jpg?w=64")
        bad = await client.get("/s3/shots/../rocket.jpg?w=64")
    assert ok.status_code == 200
    assert decoded(ok.content).width == 64
    assert missing.status_code == 404
    assert bad.status_code == 404


async def test_client_hints(tmp_path: Path, originals: Path) -> None:
    app = app_with(tmp_path, originals=originals)
    async with client_for(app) as client:
        width = await client.get("/rocket.jpg?ch=Width,DPR", headers={"Width": "120", "DPR": "2"})
        dpr = await client.get("/rocket.jpg?w=50&ch=dpr", headers={"Sec-CH-DPR": "2"})
        given = await client.get("/rocket.jpg?w=50&ch=Width", headers={"Width": "300"})
        plain = await client.get("/rocket.jpg?ch=Width")
        saving = await client.get("/rocket.jpg?w=300&fm=jpg&ch=Save-Data")
        saved = await client.get(
            "/rocket.jpg?w=300&fm=jpg&ch=Save-Data", headers={"Save-Data": "on"}
        )
    assert decoded(width.content).width == 120  # Width counts the DPR already
    assert width.headers["vary"] == "Width, Sec-CH-Width, DPR, Sec-CH-DPR"
    assert width.headers["accept-ch"] == "Width, DPR"
    assert decoded(dpr.content).width == 100
    assert decoded(given.content).width == 50
    assert decoded(plain.content).size == ROCKET_SIZE
    assert len(saved.content) < len(saving.content)
    assert saved.headers["etag"] != saving.headers["etag"]
    assert "Save-Data" in saved.headers["vary"]
