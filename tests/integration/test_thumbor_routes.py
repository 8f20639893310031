"""thumbor URLs over the real app: libthumbor signatures, unsafe URLs, sizes, errors."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from libthumbor import CryptoURL

from tests.support.images import fixture
from tests.support.render_app import ROCKET_SIZE, client_for, decoded, error_of, make_app
from tests.support.uploads import api_client, build_upload_app, new_key, upload_settings

pytestmark = pytest.mark.anyio
KEY = "my-thumbor-key"


def signed(**options: object) -> str:
    url: str = CryptoURL(key=KEY).generate(**options)
    return "/thumbor" + url


async def test_a_libthumbor_signed_url_renders_the_size_it_names(originals: Path) -> None:
    app = make_app(originals, thumbor_key=KEY)
    async with client_for(app) as client:
        response = await client.get(
            signed(width=300, height=200, smart=True, image_url="rocket.jpg")
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    assert decoded(response.content).size == (300, 200)


async def test_signed_image_paths_with_odd_characters_render(originals: Path) -> None:
    app = make_app(originals, thumbor_key=KEY)
    async with client_for(app) as client:
        # thumbor's clients sign the percent-encoded image path, as it is sent
        url = signed(width=100, image_url=quote("東京/写真 1.jpg"))
        response = await client.get(url)
    assert response.status_code == 200, (url, response.text)
    assert decoded(response.content).size == (100, round(100 * 427 / 640))


@pytest.mark.parametrize(
    ("mutate", "status"),
    [
        (lambda url: url.replace("300x200", "301x200"), 403),  # signature of another URL
        (lambda url: url.replace("/thumbor/", "/thumbor/A", 1), 403),  # a wrong signature
        (lambda url: "/thumbor/unsafe/300x200/rocket.jpg", 403),  # unsafe is off
    ],
)
async def test_tampered_and_unsafe_urls_are_refused(
    originals: Path, mutate: object, status: int
) -> None:
    app = make_app(originals, thumbor_key=KEY)
    url = signed(width=300, height=200, image_url="rocket.jpg")
    async with client_for(app) as client:
        response = await client.get(mutate(url))  # type: ignore[operator]
    assert response.status_code == status
    assert response.json()["error"] == "bad_signature"


async def test_unsafe_urls_render_when_allowed(originals: Path) -> None:
    app = make_app(originals, thumbor_unsafe=True)
    async with client_for(app) as client:
        fitted = await client.get("/thumbor/unsafe/fit-in/200x200/rocket.jpg")
        orig = await client.get("/thumbor/unsafe/rocket.jpg")
        cached = await client.get("/thumbor/unsafe/filters:max_age(60)/rocket.jpg")
    assert decoded(fitted.content).size == (200, round(200 * 427 / 640))
    assert decoded(orig.content).size == ROCKET_SIZE
    assert cached.headers["cache-control"] == "public, max-age=60"


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("filters:nope()/rocket.jpg", "nope"),
        ("filters:blur(a)/rocket.jpg", "blur() argument 1"),
        ("filters:quality(50,2)/rocket.jpg", "quality()"),
        ("filters:watermark(rgba.png,0,0,101)/rocket.jpg", "watermark() argument 4"),
        ("filters:format(tiff)/rocket.jpg", "format() argument 1"),
    ],
)
async def test_unknown_filters_and_bad_arguments_are_400s_naming_them(
    originals: Path, path: str, named: str
) -> None:
    async with client_for(make_app(originals, thumbor_unsafe=True)) as client:
        response = await client.get(f"/thumbor/unsafe/{path}")
    assert response.status_code == 400
    assert named in response.text


async def test_uploads_are_addressed_as_i_slash_id(tmp_path: Path) -> None:
    settings = upload_settings(tmp_path / "data", thumbor_unsafe=True)
    app, services = build_upload_app(settings)
    async with api_client(app, new_key(services)) as client:
        files = {"file": ("rocket.jpg", fixture("skimage_rocket.jpg"), "image/jpeg")}
        created = await client.post("/v1/images", files=files)
        image_id = created.json()["id"]
        response = await client.get(f"/thumbor/unsafe/100x100/i/{image_id}")
        missing = await client.get("/thumbor/unsafe/100x100/i/nope")
    services.close()
    assert response.status_code == 200, response.text
    assert decoded(response.content).size == (100, 100)
    assert missing.status_code == 404


async def test_with_prefix_slash_thumbor_is_at_the_root_and_imgix_moves(originals: Path) -> None:
    app = make_app(originals, thumbor_unsafe=True, thumbor_prefix="/")
    async with client_for(app) as client:
        thumbor = await client.get("/unsafe/64x64/rocket.jpg")
        imgix = await client.get("/imgix/rocket.jpg?w=50")
        health = await client.get("/health")
    assert decoded(thumbor.content).size == (64, 64)
    assert decoded(imgix.content).size == (50, round(50 * 427 / 640))
    assert health.status_code == 200


async def test_watermark_draws_an_image_from_the_same_origin(originals: Path) -> None:
    async with client_for(make_app(originals, thumbor_unsafe=True)) as client:
        base = "/thumbor/unsafe/300x200/filters:format(png)"
        plain = await client.get(f"{base}/rocket.jpg")
        marked = await client.get(f"{base}:watermark(rgba.png,-0,center,0,20)/rocket.jpg")
        missing = await client.get(f"{base}:watermark(nowhere.png,0,0,0)/rocket.jpg")
        remote = await client.get(f"{base}:watermark(http://x.test/a.png,0,0,0)/rocket.jpg")
    assert (plain.status_code, marked.status_code) == (200, 200)
    assert decoded(marked.content).size == (300, 200)
    assert marked.headers["etag"] != plain.headers["etag"]
    assert marked.content != plain.content
    assert (missing.status_code, error_of(missing)["source"]) == (404, "watermark")
    assert remote.status_code == 400


async def test_meta_answers_the_geometry_as_json(originals: Path) -> None:
    async with client_for(make_app(originals, thumbor_unsafe=True)) as client:
        meta = await client.get("/thumbor/unsafe/meta/-300x100/rocket.jpg")
        image = await client.get("/thumbor/unsafe/-300x100/rocket.jpg")
        fitted = await client.get("/thumbor/unsafe/meta/fit-in/200x200/rocket.jpg")
        missing = await client.get("/thumbor/unsafe/meta/100x100/nowhere.jpg")
    assert meta.status_code == 200
    assert meta.headers["content-type"] == "application/json"
    assert meta.headers["etag"] != image.headers["etag"]
    answer = meta.json()["thumbor"]
    assert answer["source"] == {
        "url": "rocket.jpg",
        "width": ROCKET_SIZE[0],
        "height": ROCKET_SIZE[1],
        "frameCount": 1,
    }
    assert answer["target"] == {"width": 300, "height": 100}
    kinds = [operation["type"] for operation in answer["operations"]]
    assert kinds == ["crop", "resize", "flip_horizontally"]
    assert fitted.json()["thumbor"]["target"] == {"width": 200, "height": round(200 * 427 / 640)}
    assert missing.status_code == 404
