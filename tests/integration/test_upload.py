"""POST /v1/images end to end: rows, objects and JSON for good and bad uploads."""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image as PILImage

from enlarger.catalog.models import Image, Job, JobStatus
from enlarger.storage.keys import original_key
from tests.support.images import png_bomb
from tests.support.uploads import (
    MAX_UPLOAD_BYTES,
    PRESETS,
    UploadApp,
    api_client,
    build_upload_app,
    encoded,
    new_key,
    upload_settings,
)

pytestmark = pytest.mark.anyio


async def test_multipart_upload_is_stored_recorded_and_described(uploads: UploadApp) -> None:
    data = encoded((64, 48), (200, 30, 40))
    files = {"file": ("photo.jpg", data, "image/jpeg")}
    response = await uploads.client.post("/v1/images", files=files)

    assert response.status_code == 201, response.text
    body = response.json()
    sha = hashlib.sha256(data).hexdigest()
    assert body["sha256"] == sha
    assert (body["width"], body["height"], body["format"]) == (64, 48, "jpeg")
    assert body["bytes"] == len(data)
    assert body["alpha"] is False
    assert body["color_space"] == "srgb"
    assert body["orientation"] == 1
    assert body["url"] == f"http://images.example.com/i/{body['id']}"
    dominant = bytes.fromhex(body["dominant_color"].removeprefix("#"))
    assert all(abs(a - b) <= 3 for a, b in zip(dominant, (200, 30, 40), strict=True))  # JPEG
    assert len(body["blurhash"]) == 28
    assert set(body["presets"]) == set(PRESETS)
    assert body["presets"]["thumb"] == {"url": body["url"] + "/thumb", "status": "pending"}
    assert response.headers["location"] == f"/v1/images/{body['id']}"

    assert await uploads.objects() == [original_key(sha, "jpg")]
    assert await uploads.services.store.get(original_key(sha, "jpg")) == data
    with uploads.services.sessions() as session:
        image = session.get(Image, body["id"])
        assert image is not None
        assert image.sha256 == sha
        jobs = list(session.query(Job).filter(Job.image_id == image.id))
    assert [(j.kind, j.status, j.payload) for j in jobs] == [
        ("convert", JobStatus.QUEUED, {"image_id": body["id"]})
    ]
    assert body["job_id"] == jobs[0].id


async def test_raw_body_png_with_alpha(uploads: UploadApp) -> None:
    data = encoded((30, 20), (0, 128, 255, 100), fmt="PNG", mode="RGBA")
    response = await uploads.client.post(
        "/v1/images", content=data, headers={"content-type": "image/png"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["format"], body["alpha"], body["width"], body["height"]) == ("png", True, 30, 20)
    assert await uploads.objects() == [original_key(body["sha256"], "png")]


async def test_exif_orientation_and_camera_summary(uploads: UploadApp) -> None:
    exif = PILImage.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS R6"
    exif.get_ifd(0x8769)[0x9003] = "2023:01:02 03:04:05"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (10.0, 0.0, 0.0)
    data = encoded((60, 40), exif=exif.tobytes())
    response = await uploads.client.post("/v1/images", content=data)
    body = response.json()
    assert response.status_code == 201, body
    # orientation 6 turns the picture: the upright image is 40 wide and 60 high
    assert (body["orientation"], body["width"], body["height"]) == (6, 40, 60)
    assert body["exif"]["make"] == "Canon"
    assert body["exif"]["model"] == "EOS R6"
    assert body["exif"]["taken_at"] == "2023-01-02T03:04:05"
    assert body["exif"]["latitude"] is None  # keep_gps is off


def _animated_gif() -> bytes:
    frames = [PILImage.new("RGB", (40, 40), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "extension"),
    [
        (encoded(fmt="TIFF"), "tiff", "tif"),
        (encoded(fmt="WEBP"), "webp", "webp"),
        (encoded(fmt="AVIF"), "avif", "avif"),
        (_animated_gif(), "gif", "gif"),
        (encoded(mode="CMYK", colour=(0, 100, 200, 0)), "jpeg", "jpg"),
    ],
    ids=["tiff", "webp", "avif", "animated-gif", "cmyk-jpeg"],
)
async def test_every_accepted_format(
    uploads: UploadApp, data: bytes, name: str, extension: str
) -> None:
    response = await uploads.client.post("/v1/images", content=data)
    assert response.status_code == 201, response.text
    assert response.json()["format"] == name
    assert await uploads.objects() == [original_key(hashlib.sha256(data).hexdigest(), extension)]


async def test_identical_uploads_at_the_same_time_store_one_image(uploads: UploadApp) -> None:
    data = encoded((300, 200), colour=(90, 80, 70))
    responses = await asyncio.gather(
        *(uploads.client.post("/v1/images", content=data) for _ in range(4))
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert uploads.count(Image) == 1
    assert uploads.count(Job) == 1
    assert len(await uploads.objects()) == 1


async def test_same_bytes_twice_is_one_image_one_object_one_job(uploads: UploadApp) -> None:
    data = encoded(colour=(1, 2, 3))
    first = await uploads.client.post("/v1/images", content=data)
    second = await uploads.client.post("/v1/images", files={"file": ("again.jpg", data)})
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert uploads.count(Image) == 1
    assert uploads.count(Job) == 1
    assert len(await uploads.objects()) == 1


def _truncated_jpeg() -> bytes:
    out = io.BytesIO()
    noisy = PILImage.effect_noise((256, 256), 80).convert("RGB")
    noisy.save(out, "JPEG", quality=95)
    return out.getvalue()[: len(out.getvalue()) // 2]


BAD_UPLOADS = [
    ("empty body", {"content": b""}, 400, "bad_request"),
    (
        "text renamed .jpg",
        {"files": {"file": ("photo.jpg", b"just some text, honest", "image/jpeg")}},
        415,
        "unsupported_media_type",
    ),
    ("PDF", {"content": b"%PDF-1.7\n%...", "headers": {"content-type": "image/jpeg"}}, 415, None),
    ("truncated JPEG", {"content": _truncated_jpeg()}, 422, "unprocessable_image"),
    ("corrupt PNG", {"content": encoded(fmt="PNG")[:40] + b"\x00" * 80}, 422, None),
    ("decompression bomb", {"content": png_bomb(100_000, 100_000)}, 422, "too_many_pixels"),
    ("over the byte limit", {"content": b"\xff\xd8\xff" + b"\x00" * MAX_UPLOAD_BYTES}, 413, None),
    (
        "multipart over the byte limit",
        {"files": {"file": ("big.jpg", b"\xff\xd8\xff" + b"\x00" * (MAX_UPLOAD_BYTES * 2))}},
        413,
        "payload_too_large",
    ),
    ("multipart without file", {"files": {"other": ("a.jpg", encoded())}}, 400, None),
    (
        "multipart with a text field as file",
        {"data": {"file": "not a file"}, "files": {"other": ("a.txt", b"x")}},
        400,
        None,
    ),
    ("multipart empty file", {"files": {"file": ("empty.jpg", b"")}}, 400, None),
    ("bad JSON", {"content": b"{nope", "headers": {"content-type": "application/json"}}, 400, None),
    ("JSON array", {"json": ["https://example.com/a.jpg"]}, 400, None),
    ("JSON missing url", {"json": {"callback_url": "https://example.com/hook"}}, 400, None),
    ("JSON url not a string", {"json": {"url": 42}}, 400, None),
    ("URL with a bad scheme", {"json": {"url": "ftp://example.com/a.jpg"}}, 400, None),
    ("URL that is not a URL", {"json": {"url": "not a url"}}, 400, None),
    ("SSRF: loopback", {"json": {"url": "http://127.0.0.1:9/a.jpg"}}, 403, "blocked_address"),
    ("SSRF: private", {"json": {"url": "http://10.0.0.5/a.jpg"}}, 403, "blocked_address"),
    ("SSRF: metadata", {"json": {"url": "http://169.254.169.254/latest"}}, 403, None),
    ("SSRF: IPv6 loopback", {"json": {"url": "http://[::1]/a.jpg"}}, 403, None),
    ("SSRF: localhost", {"json": {"url": "http://localhost/a.jpg"}}, 403, None),
    ("SSRF: decimal IP", {"json": {"url": "http://2130706433/a.jpg"}}, 403, None),
    ("SSRF: octal IP", {"json": {"url": "http://0177.0.0.1/a.jpg"}}, 403, None),
    ("SSRF: mapped IPv6", {"json": {"url": "http://[::ffff:127.0.0.1]/"}}, 403, None),
    (
        "private callback",
        {"content": encoded(), "params": {"callback_url": "http://10.1.1.1/"}},
        403,
        None,
    ),
    (
        "callback not http",
        {"content": encoded(), "params": {"callback_url": "ftp://x/"}},
        400,
        None,
    ),
]


@pytest.mark.parametrize(
    ("request_args", "status", "code"),
    [pytest.param(args, status, code, id=name) for name, args, status, code in BAD_UPLOADS],
)
async def test_rejected_uploads_leave_nothing_behind(
    uploads: UploadApp, request_args: dict[str, object], status: int, code: str | None
) -> None:
    response = await uploads.client.post("/v1/images", **request_args)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["message"], str)
    if code is not None:
        assert body["error"] == code
    assert await uploads.objects() == []
    assert uploads.count(Image) == 0
    assert uploads.count(Job) == 0


async def test_the_byte_limit_stops_a_streamed_body_without_length(uploads: UploadApp) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(1000):  # 64 MB if it were all read
            sent += 65536
            yield b"\xff\xd8\xff" + b"\x00" * 65533

    response = await uploads.client.post("/v1/images", content=chunks())
    assert response.status_code == 413
    assert sent < MAX_UPLOAD_BYTES * 2
    assert await uploads.objects() == []


async def test_heic_is_stored_as_uploaded_and_renders(uploads: UploadApp) -> None:
    pillow_heif.register_heif_opener()
    data = encoded((48, 32), (20, 40, 220), fmt="HEIF", quality=90)
    response = await uploads.client.post("/v1/images", files={"file": ("IMG_0001.HEIC", data)})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["format"], body["width"], body["height"]) == ("heic", 48, 32)
    key = original_key(body["sha256"], "heic")
    assert await uploads.services.store.get(key) == data  # the camera's bytes, unchanged
    rendered = await uploads.client.get(f"/i/{body['id']}?w=24&fm=png")
    assert rendered.status_code == 200, rendered.text
    image = PILImage.open(io.BytesIO(rendered.content)).convert("RGB")
    assert image.size == (24, 16)
    red, _green, blue = image.getpixel((12, 8))  # type: ignore[misc]
    assert blue > 180
    assert red < 60


async def test_truncated_heic_is_422(uploads: UploadApp) -> None:
    data = encoded((48, 32), fmt="HEIF")
    response = await uploads.client.post("/v1/images", content=data[: len(data) // 2])
    assert response.status_code == 422
    assert await uploads.objects() == []


async def test_the_original_is_written_to_the_replica_too(tmp_path: Path) -> None:
    replica = tmp_path / "replica"
    settings = upload_settings(tmp_path / "data", replica_url=replica.as_uri())
    app, services = build_upload_app(settings)
    async with api_client(app, new_key(services)) as c:
        response = await c.post("/v1/images", content=encoded(colour=(3, 4, 5)))
    services.close()
    assert response.status_code == 201
    key = original_key(response.json()["sha256"], "jpg")
    assert (replica / key).read_bytes() == encoded(colour=(3, 4, 5))
    assert (tmp_path / "data" / "objects" / key).is_file()
