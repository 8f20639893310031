"""The render route: verify, parse, answer 304 early, read, render in the pool, respond.

``Renderer.respond`` is the whole flow for one source in one origin, so every route
that renders (the web folder here, uploaded images in ``http/images.py``) shares it.
The URL grammar and its signature are the ``Dialect``'s business (``dialects/``).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from enlarger.dialects import Dialect
from enlarger.dialects.base import Describe
from enlarger.errors import DeadlineExceeded, NotFound
from enlarger.http.headers import content_disposition, http_date, none_match, strong_etag
from enlarger.http.pool import RenderPool
from enlarger.http.sources import Located, locate
from enlarger.imaging import RenderOptions, probe, render
from enlarger.origins.base import Origin
from enlarger.settings import Settings
from enlarger.spec.canonical import canonical
from enlarger.spec.model import Format, RenderSpec
from enlarger.spec.negotiate import accepted_formats, varies_with_accept
from enlarger.spec.plan import make_plan


@dataclass(frozen=True, slots=True)
class Negotiated:
    """A parsed request: the spec, the formats the client accepts, and whether that varied;
    ``meta``: answer the dialect's JSON about the render instead of the image."""

    spec: RenderSpec
    accepted: frozenset[Format]
    varies: bool
    max_age: int | None = None
    meta: Describe | None = None


class Renderer:
    def __init__(
        self,
        settings: Settings,
        pool: RenderPool,
        options: RenderOptions,
        dialect: Dialect,
        version: str,
    ) -> None:
        self._server = settings.server
        self._pool = pool
        self._options = options
        self._dialect = dialect
        # limits and encoder effort change the bytes too: part of every ETag
        self._version = f"{version} {options!r}"

    async def respond(self, request: Request, origin: Origin, prefix: str = "") -> Response:
        """Render the source the request's URL names, as its signed URL asks.

        The source path, less the route's ``prefix`` (``"i/"`` for ``/i/<id>``), is the
        path in ``origin``.
        """
        return await self.respond_in(request, ((prefix, origin),))

    async def respond_in(self, request: Request, origins: Sequence[tuple[str, Origin]]) -> Response:
        """``respond`` with the first origin whose prefix starts the URL's source path
        (a dialect whose one route serves several origins: thumbor's ``i/<id>``)."""
        negotiated, path = self._negotiate(request)
        for prefix, origin in origins:
            if path.startswith(prefix):
                return await self._respond_in_time(
                    request, negotiated, origin, path.removeprefix(prefix)
                )
        raise NotFound("no such image")

    async def _respond_in_time(
        self, request: Request, negotiated: Negotiated, origin: Origin, path: str
    ) -> Response:
        """Render ``path`` from ``origin`` per an already parsed request, under the deadline:
        locate every source the spec names, answer 304 or read them, render, respond."""
        deadline = asyncio.timeout(self._server.deadline_s)
        try:
            async with deadline:
                return await self._respond(request, negotiated, origin, path)
        except TimeoutError:
            if deadline.expired():
                raise DeadlineExceeded(
                    f"the render took longer than {self._server.deadline_s:g} s", retry_after=1
                ) from None
            raise

    def _negotiate(self, request: Request) -> tuple[Negotiated, str]:
        """Verify and parse through the dialect (403, 400), check expiry (410); the path."""
        raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode("utf-8")
        raw_query: bytes = request.scope.get("query_string", b"")
        parsed = self._dialect.request(raw_path, raw_query)
        parsed.check(time.time())
        varies = varies_with_accept(parsed.spec.output)
        accepted = accepted_formats(request.headers.get("accept"))
        negotiated = Negotiated(parsed.spec, accepted, varies, parsed.max_age, parsed.meta)
        return negotiated, parsed.path

    async def _respond(
        self, request: Request, negotiated: Negotiated, origin: Origin, path: str
    ) -> Response:
        located = await locate(origin, path, negotiated.spec)
        headers = self._cache_headers(located, negotiated)
        if none_match(request.headers.get("if-none-match"), headers["etag"]):
            return Response(status_code=304, headers=headers)
        if negotiated.meta is not None:
            described = await self._describe(negotiated.meta, negotiated.spec, located, path)
            headers["content-type"] = "application/json"
            headers["content-length"] = str(len(described))
            return Response(b"" if request.method == "HEAD" else described, headers=headers)
        sources = await located.read()
        spec, accepted, options = negotiated.spec, negotiated.accepted, self._options
        rendered = await self._pool.run(lambda: render(sources, spec, accepted, options))
        headers["content-type"] = rendered.format.media_type
        headers["content-length"] = str(len(rendered.data))
        if spec.output.dl is not None:
            filename = spec.output.dl or download_name(path, rendered.format)
            headers["content-disposition"] = content_disposition(filename)
        body = b"" if request.method == "HEAD" else rendered.data
        return Response(body, headers=headers)

    async def _describe(
        self, meta: Describe, spec: RenderSpec, located: Located, path: str
    ) -> bytes:
        """The JSON ``meta`` writes from the source's header and the Plan (no decode)."""
        data = await located.main.read()
        facts = await self._pool.run(lambda: probe(data))
        plan = make_plan(spec, facts, self._options.max_output_side)
        return json.dumps(meta(path, spec, facts, plan)).encode()

    def _cache_headers(self, located: Located, negotiated: Negotiated) -> dict[str, str]:
        accepted = ",".join(sorted(negotiated.accepted)) if negotiated.varies else ""
        main, *extras = located.identities()
        answer = () if negotiated.meta is None else ("meta",)
        spec = canonical(negotiated.spec)
        etag = strong_etag(self._version, main, spec, accepted, *extras, *answer)
        headers = {
            "etag": etag,
            "last-modified": http_date(located.mtime),
            "cache-control": self._server.cache_control,
        }
        if negotiated.max_age is not None:
            headers["cache-control"] = f"public, max-age={negotiated.max_age}"
        if negotiated.varies:
            headers["vary"] = "Accept"
        return headers


def download_name(path: str, output: Format) -> str:
    """``dl=`` without a name: the source's own name with the output's extension."""
    stem = PurePosixPath(path).stem or "image"
    return f"{stem}.{output.extension}"


def web_folder_routes(renderer: Renderer, origin: Origin, prefix: str = "") -> list[Route]:
    """``GET|HEAD /{prefix}{path}``: imgix's web-folder source. Without a prefix a
    catch-all: mount it last. ``prefix`` is empty or ends with a slash."""

    async def endpoint(request: Request) -> Response:
        return await renderer.respond(request, origin, prefix)

    return [Route(f"/{prefix}{{path:path}}", endpoint, methods=["GET", "HEAD"], name="render")]
