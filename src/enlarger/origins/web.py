"""Web origins: a web folder (an HTTP base URL) and a web proxy (the full URL in the path).

Both fetch through ``OriginFetcher``: the guarded GET (``security/fetch.py``: SSRF guard
on every hop, host allow-list, timeouts, size and redirect caps) in front of the local
``OriginCache``. A cached original is used as it is for ``fresh_s`` seconds, then
revalidated with the origin's ETag (``If-None-Match``) or Last-Modified
(``If-Modified-Since``); a 304 keeps the cached bytes. ``locate`` therefore fetches (or
revalidates) the original: an HTTP origin has no cheaper way to learn its version, and
the bytes are then in the cache for ``Source.read``. The identity is the bytes' SHA-256,
so a changed original always has new ETags and result keys.
"""

from __future__ import annotations

import asyncio
import re
import time
from email.utils import parsedate_to_datetime
from urllib.parse import quote

from enlarger.errors import ClientError, FetchFailed, NotFound, clipped
from enlarger.origins.base import Source
from enlarger.origins.origin_cache import Cached, OriginCache
from enlarger.security.fetch import Fetched, FetchLimits, Headers, guarded_get
from enlarger.security.ssrf import GuardedBackend

_HEADERS = ((b"User-Agent", b"Enlarger-origin/1"), (b"Accept", b"image/*"))
_GONE = frozenset({404, 410})
_FORBIDDEN_SEGMENTS = frozenset({"", ".", ".."})


class OriginFetcher:
    def __init__(
        self,
        limits: FetchLimits,
        cache: OriginCache,
        fresh_s: float,
        backend: GuardedBackend | None = None,
    ) -> None:
        self._limits = limits
        self._cache = cache
        self._fresh_s = fresh_s
        self._backend = backend

    async def source(self, url: str) -> Source:
        """The original at ``url``, from the cache while fresh, else (re)fetched."""
        cached = await asyncio.to_thread(self._cache.lookup, url)
        if cached is not None and time.time() - cached.fetched_at < self._fresh_s:
            return self._source(cached, None)
        refreshed, body = await self._refresh(url, cached)
        return self._source(refreshed, body)

    def _source(self, cached: Cached, body: bytes | None) -> Source:
        async def read() -> bytes:
            if body is not None:
                return body
            kept = await asyncio.to_thread(self._cache.read, cached)
            return kept if kept is not None else (await self._get(cached.url, ())).body

        return Source(cached.size, _mtime(cached), cached.digest, read)

    async def _refresh(self, url: str, cached: Cached | None) -> tuple[Cached, bytes | None]:
        conditions: list[tuple[bytes, bytes]] = []
        if cached is not None and cached.etag:
            conditions.append((b"If-None-Match", cached.etag.encode("latin-1")))
        if cached is not None and cached.last_modified:
            conditions.append((b"If-Modified-Since", cached.last_modified.encode("latin-1")))
        fetched = await self._get(url, conditions)
        if fetched.status == 304 and cached is not None:
            return await asyncio.to_thread(self._cache.revalidated, cached), None
        if fetched.status == 304:
            raise FetchFailed(
                "the origin answered 304 to an unconditional request", url=clipped(url)
            )
        stored = await asyncio.to_thread(
            self._cache.put, url, fetched.body, fetched.etag, fetched.last_modified
        )
        return stored, fetched.body

    async def _get(self, url: str, conditions: Headers) -> Fetched:
        try:
            return await guarded_get(url, self._limits, (*_HEADERS, *conditions), self._backend)
        except FetchFailed as exc:
            if exc.details.get("status") in _GONE:
                raise NotFound("no such image", source=url) from None
            raise


class WebOrigin:
    """imgix's web folder: ``path`` is relative to ``base_url``."""

    def __init__(self, base_url: str, fetcher: OriginFetcher) -> None:
        self._base = base_url if base_url.endswith("/") else base_url + "/"
        self._fetcher = fetcher

    async def locate(self, path: str) -> Source:
        if any(segment in _FORBIDDEN_SEGMENTS for segment in path.split("/")):
            raise NotFound("no such image")
        return await self._fetcher.source(self._base + quote(path, safe="/~!$&'()*+,;=:@"))


class ProxyOrigin:
    """imgix's web proxy: the path is the original's full URL (``https://host/a.jpg``).

    Anyone could aim an unsigned proxy anywhere, so it is only mounted when render URLs
    must be signed (``origins/mounts.py``).
    """

    def __init__(self, fetcher: OriginFetcher) -> None:
        self._fetcher = fetcher

    async def locate(self, path: str) -> Source:
        # a path normaliser on the way may have folded "https://" into "https:/"
        url = re.sub(r"^(https?):/(?!/)", r"\1://", path, flags=re.IGNORECASE)
        if not re.match(r"^https?://", url, flags=re.IGNORECASE):
            raise ClientError("the web proxy's path must be a full http(s) URL", path=clipped(path))
        return await self._fetcher.source(url)


def _mtime(cached: Cached) -> float:
    if cached.last_modified:
        try:
            return parsedate_to_datetime(cached.last_modified).timestamp()
        except (TypeError, ValueError):
            pass
    return cached.fetched_at
