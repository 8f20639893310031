"""URLs built and signed by imgix's official clients render here, byte for byte as sent.

The Python client (``imgix``) sorts parameters and encodes with ``quote``; the Node
client (``@imgix/js-core``) keeps parameter order and encodes with ``encodeURI`` and
``encodeURIComponent``. Both sign md5(key + path + query) over what they send.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import imgix
import pytest

from tests.support.render_app import client_for, decoded, error_of, make_app
from tests.support.services import require

pytestmark = pytest.mark.anyio

KEY = "Kq7-signing-key"
DOMAIN = "images.example.com"
NODE_DIR = Path(__file__).resolve().parent.parent / "node"

#: (path, params, expected output size)
CASES: list[tuple[str, dict[str, Any], tuple[int, int]]] = [
    ("rocket.jpg", {}, (640, 427)),
    ("rocket.jpg", {"w": 100}, (100, 67)),
    ("sub dir/ünï cödé & co.jpg", {"w": 64, "fm": "png"}, (64, 43)),
    ("odd/a+b=c;d$e@f,g(1)!'~*.jpg", {"w": 50, "h": 40, "fit": "crop"}, (50, 40)),
    ("東京/写真 1.jpg", {"w": 20, "dpr": 2, "q": 50}, (40, 27)),
    ("rgba.png", {"w": 32, "fm": "jpg", "bg": "ff0000"}, (32, 18)),
]

ClientUrls = Callable[[list[tuple[str, dict[str, Any]]], str | None], list[str]]


def python_urls(requests: list[tuple[str, dict[str, Any]]], key: str | None) -> list[str]:
    builder = imgix.UrlBuilder(DOMAIN, sign_key=key, use_https=False, include_library_param=True)
    return [str(builder.create_url(path, params)) for path, params in requests]


_NODE_SCRIPT = """
const ImgixClient = require("@imgix/js-core");
const [domain, key, requests] = JSON.parse(process.argv[1]);
const client = new ImgixClient({domain, useHTTPS: false, secureURLToken: key || undefined});
console.log(JSON.stringify(requests.map(([path, params]) => client.buildURL(path, params))));
"""


def node_urls(requests: list[tuple[str, dict[str, Any]]], key: str | None) -> list[str]:
    node = shutil.which("node")
    require(
        node is not None and (NODE_DIR / "node_modules" / "@imgix" / "js-core").is_dir(),
        "Node.js and @imgix/js-core (npm ci in tests/node) are needed",
    )
    assert node is not None
    payload = json.dumps([DOMAIN, key, requests])
    done = subprocess.run(
        [node, "-e", _NODE_SCRIPT, payload],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    urls: list[str] = json.loads(done.stdout)
    return urls


CLIENTS = [
    pytest.param(python_urls, id="python-imgix"),
    pytest.param(node_urls, id="js-core", marks=pytest.mark.node),
]


def strip_signature(url: str) -> str:
    head, _, _ = url.rpartition("s=")
    return head.rstrip("?&")


@pytest.mark.parametrize("client_urls", CLIENTS)
async def test_signed_urls_render_with_a_key(originals: Path, client_urls: ClientUrls) -> None:
    urls = client_urls([(path, params) for path, params, _ in CASES], KEY)
    async with client_for(make_app(originals, sign_key=KEY)) as client:
        for url, (_, _, size) in zip(urls, CASES, strict=True):
            response = await client.get(url)
            assert response.status_code == 200, (url, response.text)
            assert decoded(response.content).size == size


@pytest.mark.parametrize("client_urls", CLIENTS)
async def test_unsigned_and_wrongly_signed_urls_are_403(
    originals: Path, client_urls: ClientUrls
) -> None:
    requests = [(path, params) for path, params, _ in CASES]
    unsigned = client_urls(requests, None)
    other_key = client_urls(requests, "another-key")
    stripped = [strip_signature(url) for url in client_urls(requests, KEY)]
    async with client_for(make_app(originals, sign_key=KEY)) as client:
        for url in [*unsigned, *other_key, *stripped]:
            response = await client.get(url)
            assert response.status_code == 403, url
            assert error_of(response)["error"] == "bad_signature"


@pytest.mark.parametrize("client_urls", CLIENTS)
async def test_without_a_key_signed_and_unsigned_urls_render(
    originals: Path, client_urls: ClientUrls
) -> None:
    requests = [(path, params) for path, params, _ in CASES]
    urls = client_urls(requests, KEY) + client_urls(requests, None)
    async with client_for(make_app(originals)) as client:
        for url, (_, _, size) in zip(urls, CASES + CASES, strict=True):
            response = await client.get(url)
            assert response.status_code == 200, url
            assert decoded(response.content).size == size


@pytest.mark.parametrize("client_urls", CLIENTS)
async def test_expires(originals: Path, client_urls: ClientUrls) -> None:
    now = int(time.time())
    future, past = client_urls(
        [("rocket.jpg", {"w": 10, "expires": now + 3600}), ("rocket.jpg", {"expires": now - 1})],
        KEY,
    )
    extended = future.replace(f"expires={now + 3600}", f"expires={now + 7200}")
    async with client_for(make_app(originals, sign_key=KEY)) as client:
        valid = await client.get(future)
        expired = await client.get(past)
        tampered = await client.get(extended)
    assert valid.status_code == 200
    assert expired.status_code == 410
    body: Mapping[str, Any] = error_of(expired)
    assert (body["error"], body["expires"]) == ("expired", now - 1)
    assert tampered.status_code == 403


@pytest.mark.parametrize("client_urls", CLIENTS)
async def test_expiry_is_not_part_of_the_etag(originals: Path, client_urls: ClientUrls) -> None:
    now = int(time.time())
    sooner, later, other = client_urls(
        [
            ("rocket.jpg", {"w": 12, "expires": now + 3600}),
            ("rocket.jpg", {"w": 12, "expires": now + 7200}),
            ("rocket.jpg", {"w": 13, "expires": now + 3600}),
        ],
        KEY,
    )
    async with client_for(make_app(originals, sign_key=KEY)) as client:
        first = await client.get(sooner)
        second = await client.get(later)
        revalidated = await client.get(later, headers={"if-none-match": first.headers["etag"]})
        wider = await client.get(other)
    assert (first.status_code, second.status_code, revalidated.status_code) == (200, 200, 304)
    assert first.headers["etag"] == second.headers["etag"] == revalidated.headers["etag"]
    assert first.content == second.content
    assert wider.headers["etag"] != first.headers["etag"]


@pytest.mark.parametrize("client_urls", CLIENTS)
async def test_the_signature_must_be_last(originals: Path, client_urls: ClientUrls) -> None:
    (url,) = client_urls([("rocket.jpg", {"w": 10})], KEY)
    base, _, query = url.partition("?")
    params = query.split("&")
    moved = f"{base}?{params[-1]}&{'&'.join(params[:-1])}"
    async with client_for(make_app(originals, sign_key=KEY)) as client:
        response = await client.get(moved)
    assert response.status_code == 403
    assert "last" in error_of(response)["message"]
