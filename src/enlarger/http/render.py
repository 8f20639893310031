"""The render route: verify, parse, answer 304 early, read, render in the pool, respond.

``Renderer.respond`` is the whole flow for one source in one origin, so every route
that renders (the web folder here, uploaded images in ``http/images.py``) shares it.
The URL grammar and its signature are the ``Dialect``'s business (``dialects/``).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import PurePosixPath

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from enlarger.dialects import Dialect
from enlarger.errors import DeadlineExceeded, NotFound
from enlarger.http.headers import content_disposition, http_date, none_match, strong_etag
from enlarger.http.pool import RenderPool, gave_up_while_running
from enlarger.imaging import RenderOptions, render
from enlarger.origins.base import Origin, Source
from enlarger.settings import Settings
from enlarger.spec.canonical import canonical
from enlarger.spec.model import Format, RenderSpec
from enlarger.spec.negotiate import accepted_formats, varies_with_accept

#: lists the parameters a render skipped (``[render] unknown_params = "ignore"``).
IGNORED_PARAMS_HEADER = "enlarger-ignored-params"


@dataclass(frozen=True, slots=True)
class Negotiated:
    """A parsed request: the spec, the formats the client accepts, and whether that varied."""

    spec: RenderSpec
    accepted: frozenset[Format]
    varies: bool
    #: parameters the dialect skipped; named in the ``Enlarger-Ignored-Params`` header.
    ignored: tuple[str, ...] = ()


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
        negotiated, path = self._negotiate(request, prefix)
        deadline = asyncio.timeout(self._server.deadline_s)
        try:
            async with deadline:
                response = await self._respond(request, negotiated, origin, path)
        except TimeoutError:
            if deadline.expired():
                raise self._deadline_exceeded() from None
            raise
        if negotiated.ignored:
            response.headers[IGNORED_PARAMS_HEADER] = ", ".join(negotiated.ignored)
        return response

    def _deadline_exceeded(self) -> DeadlineExceeded:
        """503; Retry-After only when the time went in waiting, since a retry can succeed."""
        took = f"the render took longer than {self._server.deadline_s:g} s"
        if gave_up_while_running():
            return DeadlineExceeded(f"{took}; a retry would too: ask for less", retry_after=None)
        return DeadlineExceeded(took, retry_after=1)

    def _negotiate(self, request: Request, prefix: str) -> tuple[Negotiated, str]:
        """Verify and parse through the dialect (403, 400), check expiry (410); the path."""
        raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode("utf-8")
        raw_query: bytes = request.scope.get("query_string", b"")
        parsed = self._dialect.request(raw_path, raw_query)
        parsed.check(time.time())
        if not parsed.path.startswith(prefix):
            raise NotFound("no such image")
        varies = varies_with_accept(parsed.spec.output)
        accepted = accepted_formats(request.headers.get("accept"))
        negotiated = Negotiated(parsed.spec, accepted, varies, parsed.ignored)
        return negotiated, parsed.path.removeprefix(prefix)

    async def _respond(
        self, request: Request, negotiated: Negotiated, origin: Origin, path: str
    ) -> Response:
        source = await origin.locate(path)
        headers = self._cache_headers(source, negotiated)
        if none_match(request.headers.get("if-none-match"), headers["etag"]):
            return Response(status_code=304, headers=headers)
        data = await source.read()
        spec, accepted, options = negotiated.spec, negotiated.accepted, self._options
        rendered = await self._pool.run(lambda: render(data, spec, accepted, options))
        headers["content-type"] = rendered.format.media_type
        headers["content-length"] = str(len(rendered.data))
        if spec.output.dl is not None:
            filename = spec.output.dl or download_name(path, rendered.format)
            headers["content-disposition"] = content_disposition(filename)
        body = b"" if request.method == "HEAD" else rendered.data
        return Response(body, headers=headers)

    def _cache_headers(self, source: Source, negotiated: Negotiated) -> dict[str, str]:
        accepted = ",".join(sorted(negotiated.accepted)) if negotiated.varies else ""
        etag = strong_etag(
            self._version,
            source.identity,
            canonical(negotiated.spec),
            accepted,
        )
        headers = {
            "etag": etag,
            "last-modified": http_date(source.mtime),
            "cache-control": self._server.cache_control,
        }
        if negotiated.varies:
            headers["vary"] = "Accept"
        return headers


def download_name(path: str, output: Format) -> str:
    """``dl=`` without a name: the source's own name with the output's extension."""
    stem = PurePosixPath(path).stem or "image"
    return f"{stem}.{output.extension}"


def web_folder_routes(renderer: Renderer, origin: Origin) -> list[Route]:
    """``GET|HEAD /{path}``: imgix's web-folder source. A catch-all: mount it last."""

    async def endpoint(request: Request) -> Response:
        return await renderer.respond(request, origin)

    return [Route("/{path:path}", endpoint, methods=["GET", "HEAD"], name="render")]
