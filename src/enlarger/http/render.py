"""The render route: verify, parse, answer 304 early, admit, read, render in the pool, respond.

``Renderer.respond`` is the whole flow for one source in one origin, so every route
that renders (the web folder here, uploaded images in ``http/images.py``) shares it.
The URL grammar and its signature are the ``Dialect``'s business (``dialects/``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import PurePosixPath

import structlog
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from enlarger.cache import Answered, Entry, LayeredResults, Render, ResultKey
from enlarger.dialects import Dialect
from enlarger.dialects.base import Describe, DialectRequest
from enlarger.errors import DeadlineExceeded, NotFound
from enlarger.http.access import StageTimer, access_record
from enlarger.http.expiry import bounded_max_age
from enlarger.http.headers import content_disposition, http_date, none_match, strong_etag
from enlarger.http.known_sources import KnownSources
from enlarger.http.metrics import Metrics
from enlarger.http.pool import RenderPool
from enlarger.http.recent import Recent
from enlarger.http.sources import Located, locate
from enlarger.imaging import Rendered, RenderOptions, probe, render
from enlarger.origins.base import Origin
from enlarger.origins.mounts import Mounts
from enlarger.settings import Settings
from enlarger.spec.canonical import canonical
from enlarger.spec.cost import estimate
from enlarger.spec.hints import ClientHint, accept_ch, apply_hints, vary_on
from enlarger.spec.model import Format, RenderSpec
from enlarger.spec.negotiate import accepted_formats, varies_with_accept
from enlarger.spec.plan import make_plan

#: lists the parameters a render skipped (``[render] unknown_params = "ignore"``).
IGNORED_PARAMS_HEADER = "enlarger-ignored-params"
#: URLs whose verified, parsed request (and canonical spec) each process keeps: a cache hit
#: then skips the parse, about a quarter of its CPU. Parsing is pure, so an entry never
#: goes stale; refused URLs are not kept.
PARSED_URLS = 1024


@dataclass(frozen=True, slots=True)
class Negotiated:
    """A parsed request: the spec, the formats the client accepts, and whether that varied;
    ``meta``: answer the dialect's JSON about the render instead of the image."""

    spec: RenderSpec
    accepted: frozenset[Format]
    varies: bool
    #: ``canonical(spec)``: the render's identity in ETags and cache keys.
    canonical: str
    #: the accepted formats as they key a negotiated render ("avif,webp"); "" when the
    #: format does not vary with Accept.
    variant: str
    max_age: int | None = None
    #: the source's name as the URL gives it (``photos/a.jpg``, ``i/<id>``): what a purge names.
    source: str = ""
    #: parameters the dialect skipped; named in the ``Enlarger-Ignored-Params`` header.
    ignored: tuple[str, ...] = ()
    hints: frozenset[ClientHint] = frozenset()
    meta: Describe | None = None


class Renderer:
    def __init__(
        self,
        settings: Settings,
        pool: RenderPool,
        options: RenderOptions,
        dialect: Dialect,
        version: str,
        results: LayeredResults | None = None,
        metrics: Metrics | None = None,
        overlay_urls: Origin | None = None,
    ) -> None:
        self._server = settings.server
        #: fetches extras named by absolute URL (``[render] overlay_urls``); None: refused.
        self._overlay_urls = overlay_urls
        self._pool = pool
        self._options = options
        self._dialect = dialect
        # limits and encoder effort change the bytes too: part of every ETag
        self._version = f"{version} {options!r}"
        self._results = results
        self._metrics = metrics or Metrics()
        self._parse = lru_cache(maxsize=PARSED_URLS)(self._parse_uncached)
        #: renders answered lately (source, canonical spec, accepted formats): likely cache
        #: hits, so a full render queue does not shed them before their cache lookup.
        self._answered: Recent[tuple[str, str, str], None] = Recent(PARSED_URLS)
        self._known = KnownSources(options)

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
                response = await self._respond(request, negotiated, origin, path)
        except TimeoutError:
            if deadline.expired():
                raise self._deadline_exceeded(request) from None
            raise
        if negotiated.ignored:
            response.headers[IGNORED_PARAMS_HEADER] = ", ".join(negotiated.ignored)
        return response

    def _deadline_exceeded(self, request: Request) -> DeadlineExceeded:
        """503; Retry-After only when the time went in waiting, since a retry can succeed."""
        took = f"the render took longer than {self._server.deadline_s:g} s"
        if access_record(request).rendering:
            return DeadlineExceeded(f"{took}; a retry would too: ask for less", retry_after=None)
        return DeadlineExceeded(took, retry_after=1)

    def _negotiate(self, request: Request) -> tuple[Negotiated, str]:
        """Verify and parse through the dialect (403, 400), check expiry (410); the path."""
        raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode("utf-8")
        raw_query: bytes = request.scope.get("query_string", b"")
        parsed, parsed_canonical = self._parse(raw_path, raw_query)
        now = time.time()
        parsed.check(now)
        varies = varies_with_accept(parsed.spec.output)
        accepted = accepted_formats(request.headers.get("accept"))
        spec = apply_hints(parsed.spec, parsed.hints, request.headers)
        max_age = bounded_max_age(parsed.max_age, parsed.expires, now, self._server.cache_control)
        negotiated = Negotiated(
            spec,
            accepted,
            varies,
            parsed_canonical if spec is parsed.spec else canonical(spec),
            ",".join(sorted(accepted)) if varies else "",
            max_age,
            parsed.path,
            parsed.ignored,
            parsed.hints,
            parsed.meta,
        )
        return negotiated, parsed.path

    def _parse_uncached(self, raw_path: bytes, raw_query: bytes) -> tuple[DialectRequest, str]:
        """Verify and parse through the dialect; the request and its spec's canonical form."""
        parsed = self._dialect.request(raw_path, raw_query)
        return parsed, canonical(parsed.spec)

    async def _respond(
        self, request: Request, negotiated: Negotiated, origin: Origin, path: str
    ) -> Response:
        validator = request.headers.get("if-none-match")
        answer = _answer_key(negotiated)
        # a conditional request may be a 304 and a URL answered lately a cache hit: both
        # are answered even when the pool is full; the rest are shed before locating
        if validator is None and answer not in self._answered:
            self._pool.check_room()
        located = await locate(origin, path, negotiated.spec, self._overlay_urls)
        headers = self._cache_headers(located, negotiated)
        if none_match(validator, headers["etag"]):
            return Response(status_code=304, headers=headers)
        if negotiated.meta is not None:
            described = await self._describe(negotiated.meta, negotiated.spec, located, path)
            headers["content-type"] = "application/json"
            headers["content-length"] = str(len(described))
            return Response(b"" if request.method == "HEAD" else described, headers=headers)
        etag = headers["etag"]
        # the URL's own spec names the result (its ETag, its cache entries); the settled
        # one names the render, which concurrent URLs of the same output share
        settled = self._settle(negotiated, located)
        render_etag = etag if settled is negotiated else self._etag(located, settled)
        keys = (ResultKey(negotiated.source, etag.strip('"')), render_etag.strip('"'))
        miss = partial(self._render, request, located, settled, etag)
        entry = await self._cached(request, *keys, miss)
        self._answered.put(answer, None)
        headers["x-enlarger-cache"] = access_record(request).cache or Answered.MISS.value
        headers["content-type"] = entry.content_type
        headers["content-length"] = str(entry.size)
        if negotiated.spec.output.dl is not None:
            filename = negotiated.spec.output.dl or download_name(path, Format(entry.format))
            headers["content-disposition"] = content_disposition(filename)
        body = b"" if request.method == "HEAD" else entry.data
        return Response(body, headers=headers)

    def _settle(self, negotiated: Negotiated, located: Located) -> Negotiated:
        """``negotiated`` with its spec settled (``spec/settle.py``) when the main source's
        header is known: one render for concurrent URLs of the same output."""
        settled = self._known.settled(located.main.identity, negotiated.spec)
        if settled is None:
            return negotiated
        spec, settled_canonical = settled
        return dataclasses.replace(negotiated, spec=spec, canonical=settled_canonical)

    async def _cached(
        self, request: Request, key: ResultKey, renders_as: str, render: Render
    ) -> Entry:
        """The result from the result cache (one render for concurrent misses that render
        the same), or rendered."""
        if self._results is None:
            entry, answered = await render(), Answered.MISS
        else:
            entry, answered = await self._results.fetch(key, render, renders_as)
        record = access_record(request)
        record.cache, record.format = answered.value, entry.format
        return entry

    async def _render(
        self, request: Request, located: Located, negotiated: Negotiated, etag: str
    ) -> Entry:
        """Admit, read the sources and render them in the pool (a cache miss).

        Admission (or a 429) comes before a byte is read: waiting requests hold none.
        """
        record = access_record(request)
        spec, accepted, options = negotiated.spec, negotiated.accepted, self._options
        timer = StageTimer()
        async with self._pool.admission(estimate(spec, located.size)) as admitted:
            reading = time.perf_counter()
            sources = await located.read()
            record.timings["fetch"] = time.perf_counter() - reading
            record.source_bytes = located.main.size

            def work() -> Rendered:
                timer.started()
                record.rendering = True
                # libvips' warnings, logged from this thread, name the source they are about
                with structlog.contextvars.bound_contextvars(source=negotiated.source):
                    return render(sources, spec, accepted, options, timer, admitted)

            rendered = await admitted.run(work)
        timer.record(record)
        self._metrics.rendered(timer.steps)
        if rendered.source is not None:
            self._known.learn(located.main.identity, rendered.source)
        fmt = rendered.format
        return Entry(rendered.data, etag, rendered.media_type, fmt.value)

    async def _describe(
        self, meta: Describe, spec: RenderSpec, located: Located, path: str
    ) -> bytes:
        """The JSON ``meta`` writes from the source's header and the Plan (no decode)."""
        data = await located.main.read()
        facts = await self._pool.run(lambda: probe(data))
        self._known.learn(located.main.identity, facts)
        plan = make_plan(spec, facts, self._options.max_output_side)
        return json.dumps(meta(path, spec, facts, plan)).encode()

    def _etag(self, located: Located, negotiated: Negotiated) -> str:
        main, *extras = located.identities()
        answer = () if negotiated.meta is None else ("meta",)
        return strong_etag(
            self._version, main, negotiated.canonical, negotiated.variant, *extras, *answer
        )

    def _cache_headers(self, located: Located, negotiated: Negotiated) -> dict[str, str]:
        headers = {
            "etag": self._etag(located, negotiated),
            "last-modified": http_date(located.mtime),
            "cache-control": self._server.cache_control,
        }
        if negotiated.max_age is not None:
            headers["cache-control"] = f"public, max-age={negotiated.max_age}"
        vary = ["Accept"] if negotiated.varies else []
        vary += vary_on(negotiated.hints)
        if vary:
            headers["vary"] = ", ".join(vary)
        if negotiated.hints:
            headers["accept-ch"] = accept_ch(negotiated.hints)
        return headers


def _answer_key(negotiated: Negotiated) -> tuple[str, str, str]:
    return negotiated.source, negotiated.canonical, negotiated.variant


def download_name(path: str, output: Format) -> str:
    """``dl=`` without a name: the source's own name with the output's extension."""
    stem = PurePosixPath(path).stem or "image"
    return f"{stem}.{output.extension}"


def web_folder_routes(renderer: Renderer, origins: Mounts, prefix: str = "") -> list[Route]:
    """``GET|HEAD /{prefix}{path}``: imgix's web-folder source, each path in the origin
    mounted at its start (``origins/mounts.py``). Without a prefix a catch-all: mount it
    last. ``prefix`` is empty or ends with a slash."""
    mounted = [(prefix + start, origin) for start, origin in origins]

    async def endpoint(request: Request) -> Response:
        return await renderer.respond_in(request, mounted)

    return [Route(f"/{prefix}{{path:path}}", endpoint, methods=["GET", "HEAD"], name="render")]
