"""The rest of the image API: keys, reading, paging, deleting, rendering, jobs, URL import."""

from __future__ import annotations

import dataclasses
import io
from http.server import BaseHTTPRequestHandler

import pytest
from PIL import Image as PILImage

from enlarger.catalog.api_keys import revoke_api_key
from enlarger.catalog.derivatives import DerivativeRecord, upsert_derivative
from enlarger.catalog.models import Derivative, Image, Job
from enlarger.errors import BlockedAddress, ClientError, FetchFailed, FetchTimeout, PayloadTooLarge
from enlarger.ingest.fetch import fetch_image
from enlarger.security.ssrf import GuardedBackend
from enlarger.spec.canonical import canonical
from enlarger.storage.keys import derivative_key
from tests.support.uploads import (
    MAX_UPLOAD_BYTES,
    LocalServer,
    UploadApp,
    api_client,
    build_upload_app,
    encoded,
    new_key,
    send,
)

pytestmark = pytest.mark.anyio


async def _upload(uploads: UploadApp, colour: tuple[int, int, int]) -> dict[str, object]:
    response = await uploads.client.post("/v1/images", content=encoded(colour=colour))
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def test_writes_and_reads_need_a_live_key(uploads: UploadApp) -> None:
    data = encoded()
    anonymous = await uploads.client.post("/v1/images", content=data, headers={"authorization": ""})
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "unauthorized"
    basic = await uploads.client.get("/v1/images", headers={"authorization": "Basic abc"})
    assert basic.status_code == 401
    wrong = uploads.key[:-4] + "AAAA"
    forged = await uploads.client.post(
        "/v1/images", content=data, headers={"authorization": f"Bearer {wrong}"}
    )
    assert forged.status_code == 403
    other = new_key(uploads.services, "revoked")
    with uploads.services.sessions.begin() as session:
        assert revoke_api_key(session, other.split("_")[1])
    revoked = await uploads.client.post(
        "/v1/images", content=data, headers={"authorization": f"Bearer {other}"}
    )
    assert revoked.status_code == 403
    assert uploads.count(Image) == 0
    assert await uploads.objects() == []


async def test_callback_url_as_a_form_field(uploads: UploadApp) -> None:
    files = {"file": ("a.jpg", encoded(colour=(5, 6, 7)))}
    hook = "https://93.184.215.14/hook"  # a public address: checked, never contacted here
    response = await uploads.client.post("/v1/images", files=files, data={"callback_url": hook})
    assert response.status_code == 201, response.text
    with uploads.services.sessions() as session:
        row = session.get(Image, response.json()["id"])
        assert row is not None
        assert row.callback_url == hook


async def test_get_one_image_and_404(uploads: UploadApp) -> None:
    created = await _upload(uploads, (9, 9, 9))
    shown = await uploads.client.get(f"/v1/images/{created['id']}")
    assert shown.status_code == 200
    assert shown.json() == created
    missing = await uploads.client.get("/v1/images/nope")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"


async def test_list_is_newest_first_in_pages_with_an_opaque_cursor(uploads: UploadApp) -> None:
    ids = [(await _upload(uploads, (i * 40, 0, 0)))["id"] for i in range(5)]
    seen: list[object] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await uploads.client.get("/v1/images", params=params)).json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == list(reversed(ids))


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "101"}, {"limit": "ten"}, {"cursor": "garbage!"}, {"cursor": "e30"}],
)
async def test_bad_paging_values_are_400(uploads: UploadApp, params: dict[str, str]) -> None:
    response = await uploads.client.get("/v1/images", params=params)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


async def _add_derivative(uploads: UploadApp, image_id: str, sha: str) -> tuple[str, bytes]:
    rendered = encoded((40, 40), (1, 2, 3), fmt="WEBP")
    key = derivative_key(sha, "thumb", "0123abcd", "webp")
    await uploads.services.store.put(key, rendered, "image/webp")
    spec = canonical(uploads.services.preset_specs["thumb"])  # as the preset is configured
    record = DerivativeRecord("thumb", spec, key, "webp", 40, 40, len(rendered))
    with uploads.services.sessions.begin() as session:
        upsert_derivative(session, image_id, record)
    return key, rendered


async def test_delete_removes_the_original_derivatives_and_rows(uploads: UploadApp) -> None:
    keep = await _upload(uploads, (0, 0, 0))
    gone = await _upload(uploads, (255, 255, 255))
    await _add_derivative(uploads, str(gone["id"]), str(gone["sha256"]))
    assert len(await uploads.objects()) == 3

    response = await uploads.client.delete(f"/v1/images/{gone['id']}")
    assert response.status_code == 204
    remaining = await uploads.objects()
    assert len(remaining) == 1
    assert str(keep["sha256"]) in remaining[0]
    assert uploads.count(Image) == 1
    assert uploads.count(Derivative) == 0
    again = await uploads.client.delete(f"/v1/images/{gone['id']}")
    assert again.status_code == 404
    render = await uploads.client.get(f"/i/{gone['id']}?w=10")
    assert render.status_code == 404


async def test_uploaded_images_render_through_the_imgix_path(uploads: UploadApp) -> None:
    created = await _upload(uploads, (10, 200, 10))
    response = await uploads.client.get(f"/i/{created['id']}?w=16&fm=png")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    image = PILImage.open(io.BytesIO(response.content))
    assert image.size == (16, 12)
    red, green, blue = image.convert("RGB").getpixel((8, 6))  # type: ignore[misc]
    assert green > 180
    assert max(red, blue) < 40
    bad = await uploads.client.get(f"/i/{created['id']}?w=abc")
    assert bad.status_code == 400


async def test_preset_url_is_404_until_stored_then_serves_the_derivative(
    uploads: UploadApp,
) -> None:
    created = await _upload(uploads, (50, 50, 50))
    pending = await uploads.client.get(f"/i/{created['id']}/thumb")
    assert pending.status_code == 404
    assert pending.json()["status"] == "pending"
    unknown = await uploads.client.get(f"/i/{created['id']}/poster")
    assert unknown.status_code == 404
    _key, rendered = await _add_derivative(uploads, str(created["id"]), str(created["sha256"]))
    ready = await uploads.client.get(f"/i/{created['id']}/thumb")
    assert ready.status_code == 200
    assert ready.headers["content-type"] == "image/webp"
    assert ready.content == rendered
    shown = (await uploads.client.get(f"/v1/images/{created['id']}")).json()
    assert shown["presets"]["thumb"]["status"] == "ready"
    assert shown["presets"]["small"]["status"] == "pending"


async def test_job_report(uploads: UploadApp) -> None:
    created = await _upload(uploads, (1, 1, 1))
    report = await uploads.client.get(f"/v1/jobs/{created['job_id']}")
    assert report.status_code == 200
    body = report.json()
    assert (body["kind"], body["status"], body["attempts"]) == ("convert", "queued", 0)
    assert body["image_id"] == created["id"]
    assert (await uploads.client.get("/v1/jobs/nope")).status_code == 404
    assert (
        await uploads.client.get("/v1/jobs/x", headers={"authorization": ""})
    ).status_code == 401


class PublicLoopback(GuardedBackend):
    """Treats 127.0.0.1 as if it were a public server, so redirects from it can be tested."""

    async def vetted(self, host: str, port: int) -> list[str]:
        if host == "127.0.0.1":
            return ["127.0.0.1"]
        return await super().vetted(host, port)


async def test_fetch_follows_redirects_and_checks_every_hop(local_server: LocalServer) -> None:
    image = encoded()
    local_server.routes["/a.jpg"] = send(200, image, {"Content-Type": "image/jpeg"})
    local_server.routes["/moved"] = send(302, headers={"Location": "/a.jpg"})
    local_server.routes["/to-loopback"] = send(
        302, headers={"Location": f"http://127.0.0.2:{local_server.port}/a.jpg"}
    )
    local_server.routes["/to-localhost"] = send(
        302, headers={"Location": f"http://localhost:{local_server.port}/a.jpg"}
    )
    local_server.routes["/to-file"] = send(302, headers={"Location": "file:///etc/passwd"})
    local_server.routes["/loop"] = send(302, headers={"Location": "/loop"})

    async def get(path: str) -> bytes:
        guard = PublicLoopback(allow_private=False)
        url = local_server.url(path)
        return await fetch_image(
            url, max_bytes=10**6, timeout_s=5, allow_private=False, backend=guard
        )

    assert await get("/moved") == image
    for path in ("/to-loopback", "/to-localhost"):
        with pytest.raises(BlockedAddress):
            await get(path)
    with pytest.raises(ClientError, match="only http and https"):
        await get("/to-file")
    with pytest.raises(FetchFailed, match="redirects"):
        await get("/loop")
    requested = [path for path, _headers, _body in local_server.requests]
    assert "/a.jpg" in requested  # only from the allowed redirect
    assert requested.count("/a.jpg") == 1


async def test_fetch_limits_size_and_time(local_server: LocalServer) -> None:
    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()  # no Content-Length: the body runs until the socket closes
        for _ in range(100):
            handler.wfile.write(b"\x00" * 65536)

    def slow(handler: BaseHTTPRequestHandler) -> None:
        import time

        time.sleep(1.5)
        send(200, b"late")(handler)

    local_server.routes["/endless"] = endless
    local_server.routes["/big"] = send(200, b"x" * 2000)
    local_server.routes["/slow"] = slow
    local_server.routes["/missing"] = send(404, b"no")
    url = local_server.url
    with pytest.raises(PayloadTooLarge):
        await fetch_image(url("/endless"), max_bytes=100_000, timeout_s=5, allow_private=True)
    with pytest.raises(PayloadTooLarge):
        await fetch_image(url("/big"), max_bytes=1000, timeout_s=5, allow_private=True)
    with pytest.raises(FetchTimeout) as timed_out:
        await fetch_image(url("/slow"), max_bytes=1000, timeout_s=0.5, allow_private=True)
    assert timed_out.value.status == 504
    with pytest.raises(FetchFailed) as missing:
        await fetch_image(url("/missing"), max_bytes=1000, timeout_s=5, allow_private=True)
    assert missing.value.status == 422


async def test_url_import_through_the_api(uploads: UploadApp, local_server: LocalServer) -> None:
    image = encoded(colour=(0, 0, 250))
    local_server.routes["/photo.jpg"] = send(200, image, {"Content-Type": "image/jpeg"})
    local_server.routes["/huge.jpg"] = send(200, b"\xff\xd8\xff" + b"\0" * MAX_UPLOAD_BYTES)
    url = local_server.url("/photo.jpg")

    blocked = await uploads.client.post("/v1/images", json={"url": url})
    assert blocked.status_code == 403  # allow_private_urls is off by default
    assert blocked.json()["error"] == "blocked_address"
    assert local_server.requests == []

    current = uploads.services.settings
    ingest = dataclasses.replace(current.ingest, allow_private_urls=True)
    settings = dataclasses.replace(current, ingest=ingest)
    app, services = build_upload_app(settings)
    async with api_client(app, uploads.key) as c:
        hook = local_server.url("/hook")
        imported = await c.post("/v1/images", json={"url": url, "callback_url": hook})
        too_big = await c.post("/v1/images", json={"url": local_server.url("/huge.jpg")})
        missing = await c.post("/v1/images", json={"url": local_server.url("/nothing.jpg")})
    services.close()
    assert imported.status_code == 201, imported.text
    assert imported.json()["bytes"] == len(image)
    with uploads.services.sessions() as session:
        row = session.get(Image, imported.json()["id"])
        assert row is not None
        assert row.callback_url == hook
    assert too_big.status_code == 413
    assert missing.status_code == 422
    assert uploads.count(Image) == 1
    assert uploads.count(Job) == 1
