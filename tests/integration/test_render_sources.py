"""A spec that names an extra source (a watermark, say): the render route locates and
reads it with the main source, its identity is part of the ETag, and a missing one is a
404. No URL parameter names one yet, so the spec here comes from a test-only dialect."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from enlarger.dialects.base import DialectRequest, decode_path
from enlarger.http.errors import EXCEPTION_HANDLERS
from enlarger.http.pool import RenderPool
from enlarger.http.render import Renderer
from enlarger.http.sources import locate
from enlarger.imaging import RenderOptions, Sources
from enlarger.origins.local import WebFolder
from enlarger.settings import Settings
from enlarger.spec.model import Extent, Geometry, RenderSpec
from tests.support.render_app import ROCKET_SIZE, client_for, decoded, error_of

pytestmark = pytest.mark.anyio

WIDTH = 160


@dataclass(frozen=True, slots=True)
class MarkedSpec(RenderSpec):
    """A spec naming a watermark, as the ``mark`` parameter will."""

    mark: str = ""

    def extra_sources(self) -> Mapping[str, str]:
        return {"mark": self.mark} if self.mark else {}


class MarkDialect:
    """``/<path>?mark=<path>``: a fixed width, and the watermark the query names."""

    def request(self, raw_path: bytes, raw_query: bytes) -> DialectRequest:
        mark = parse_qs(raw_query.decode()).get("mark", [""])[0]
        spec = MarkedSpec(geometry=Geometry(w=Extent(WIDTH)), mark=mark)
        return DialectRequest(spec, decode_path(raw_path))


@asynccontextmanager
async def marked_client(originals: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The real ``Renderer`` over a web folder, with ``?mark=<path>`` naming the extra."""
    settings = Settings.load(environ={}, overrides={"originals": originals})
    pool = RenderPool(2, 4)
    renderer = Renderer(settings, pool, RenderOptions(), MarkDialect(), "test")
    origin = WebFolder(originals, settings.render.max_source_bytes)

    async def endpoint(request: Request) -> Response:
        return await renderer.respond(request, origin)

    app = Starlette(routes=[Route("/{path:path}", endpoint)], exception_handlers=EXCEPTION_HANDLERS)
    try:
        async with client_for(app) as client:
            yield client
    finally:
        pool.close()


async def test_the_extra_source_is_located_and_read_with_the_main_one(originals: Path) -> None:
    origin = WebFolder(originals, 10_000_000)
    located = await locate(origin, "rocket.jpg", MarkedSpec(mark="rgba.png"))
    sources = await located.read()
    assert isinstance(sources, Sources)
    assert sources.main == (originals / "rocket.jpg").read_bytes()
    assert dict(sources.extras) == {"mark": (originals / "rgba.png").read_bytes()}
    plain = await locate(origin, "rocket.jpg", RenderSpec())
    assert await plain.read() == sources.main  # no extras: the bytes alone, as before


async def test_a_render_with_an_extra_source_succeeds_and_its_identity_is_in_the_etag(
    originals: Path,
) -> None:
    async with marked_client(originals) as client:
        marked = await client.get("/rocket.jpg?mark=rgba.png")
        plain = await client.get("/rocket.jpg")
        other = await client.get("/rocket.jpg?mark=sub dir/ünï cödé %26 co.jpg")
    assert marked.status_code == plain.status_code == other.status_code == 200
    height = round(WIDTH * ROCKET_SIZE[1] / ROCKET_SIZE[0])
    assert decoded(marked.content).size == (WIDTH, height)
    etags = {marked.headers["etag"], plain.headers["etag"], other.headers["etag"]}
    assert len(etags) == 3


async def test_changing_the_extra_file_changes_the_etag(originals: Path) -> None:
    async with marked_client(originals) as client:
        before = await client.get("/rocket.jpg?mark=rgba.png")
        etag = before.headers["etag"]
        assert (await client.get("/rocket.jpg?mark=rgba.png")).headers["etag"] == etag
        unchanged = await client.get("/rocket.jpg?mark=rgba.png", headers={"if-none-match": etag})
        assert (unchanged.status_code, unchanged.content) == (304, b"")

        mark = originals / "rgba.png"
        mark.write_bytes((originals / "rocket.jpg").read_bytes())
        after = await client.get("/rocket.jpg?mark=rgba.png", headers={"if-none-match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag


async def test_a_missing_extra_source_is_a_404_naming_its_role(originals: Path) -> None:
    async with marked_client(originals) as client:
        response = await client.get("/rocket.jpg?mark=nowhere.png")
        outside = await client.get("/rocket.jpg?mark=../rocket.jpg")
    assert (response.status_code, outside.status_code) == (404, 404)
    body = error_of(response)
    assert (body["error"], body["source"]) == ("not_found", "mark")
    assert "nowhere.png" in body["message"]
