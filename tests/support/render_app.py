"""Fixtures for the render service: an originals folder of real photos and app clients."""

from __future__ import annotations

import asyncio
import io
import shutil
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.types import Message

from enlarger.settings import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BASE_URL = "http://images.example.com"

#: name in the originals folder -> fixture file; the odd names are what signing must survive.
ORIGINALS = {
    "rocket.jpg": "skimage_rocket.jpg",  # 640x427 JPEG
    "rgba.png": "plasma_icecold_rgba_320.png",  # 320x180 RGBA PNG
    "sub dir/ünï cödé & co.jpg": "skimage_rocket.jpg",
    "odd/a+b=c;d$e@f,g(1)!'~*.jpg": "skimage_rocket.jpg",
    "東京/写真 1.jpg": "skimage_rocket.jpg",
}
ROCKET_SIZE = (640, 427)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def originals(tmp_path: Path) -> Path:
    root = tmp_path / "originals"
    for name, fixture in ORIGINALS.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / fixture, target)
    return root


def make_app(originals: Path | None, data_dir: Path | None = None, **overrides: Any) -> Starlette:
    """The real app over ``originals`` with settings overrides (field name -> value).

    ``data_dir`` (the embedded catalog and objects) defaults to a sibling of ``originals``.
    """
    if data_dir is None:
        assert originals is not None, "give data_dir when there is no originals folder"
        data_dir = originals.parent / "data"
    from enlarger.app import build_app  # here, not at the top: plugin import stays light

    settings = Settings.load(
        environ={}, overrides={"originals": originals, "data_dir": data_dir, **overrides}
    )
    return build_app(settings)


@asynccontextmanager
async def client_for(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


def decoded(body: bytes) -> Image.Image:
    """Decode a response body with Pillow, an independent decoder."""
    image = Image.open(io.BytesIO(body))
    image.load()
    return image


def error_of(response: httpx.Response) -> Mapping[str, Any]:
    """The JSON body of an error response, after the checks every error must pass."""
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    assert isinstance(body["message"], str)
    return body


@asynccontextmanager
async def held_render_threads(app: Starlette, jobs: int) -> AsyncIterator[None]:
    """Occupy the app's render pool with ``jobs`` jobs that wait until the block ends."""
    pool = app.state.render_pool
    release = threading.Event()
    tasks = [asyncio.create_task(pool.run(lambda: release.wait(10))) for _ in range(jobs)]
    try:
        async with asyncio.timeout(5):
            while pool.admitted < jobs:
                await asyncio.sleep(0.001)
        yield
    finally:
        release.set()
        await asyncio.gather(*tasks)


async def asgi_get(app: Starlette, raw_path: bytes, query: bytes = b"") -> httpx.Response:
    """GET with exactly these bytes, as a server would pass them (HTTP clients normalise
    ``..`` and refuse non-ASCII); ``path`` is percent-decoded as uvicorn does."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw_path.decode("latin-1"), encoding="utf-8", errors="surrogateescape"),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"images.example.com")],
        "client": ("127.0.0.1", 50000),
        "server": ("images.example.com", 80),
    }
    messages: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    await app(scope, receive, send)
    start = messages[0]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return httpx.Response(start["status"], headers=start["headers"], content=body)
