"""Guarded HTTP GETs: through the SSRF guard, within byte, time, redirect and host limits.

Every hop (the URL and each redirect target) is checked for scheme and host (the
allow-list, when there is one) and connected only to vetted addresses. Limits: the byte
limit is enforced on ``Content-Length`` and again while streaming (413); ``total_s``
bounds the whole fetch including redirects, ``connect_s`` and ``read_s`` each
connection and each read. Timeouts answer 504 (the upstream was too slow: a transient
failure that jobs retry); DNS failures, refused connections, protocol errors and non-2xx
answers 422 (``FetchFailed`` carries the upstream's status). A conditional request
(``If-None-Match``) may get 304, returned as such with an empty body.

URLs are sent the way browsers send them: a non-ASCII host in its IDNA form and other
non-ASCII characters percent-encoded as UTF-8 (``https://x/café.jpg`` asks for
``/caf%C3%A9.jpg``); escapes already present are kept. A ``Location`` header is read as
UTF-8 when it is valid UTF-8, as servers that send raw non-ASCII targets mean it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

import anyio
import httpcore
import httpx

from enlarger.errors import (
    BlockedAddress,
    ClientError,
    FetchFailed,
    FetchTimeout,
    PayloadTooLarge,
    clipped,
)
from enlarger.security.ssrf import GuardedBackend, check_url, guarded_pool

MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_FAILURES = (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol)

Headers = Sequence[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class FetchLimits:
    max_bytes: int
    total_s: float
    connect_s: float
    read_s: float
    max_redirects: int = MAX_REDIRECTS
    allow_private: bool = False
    #: hosts (lower case) every hop must name; empty: any host the SSRF guard admits.
    allowed_hosts: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Fetched:
    """An answer: 2xx with its body, or 304 (empty) to a conditional request."""

    status: int
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


async def guarded_get(
    url: str,
    limits: FetchLimits,
    headers: Headers = (),
    backend: GuardedBackend | None = None,
) -> Fetched:
    """GET ``url`` within ``limits``; raise a 4xx/504 ``EnlargerError`` when it can't.

    ``backend`` replaces the default guard (``GuardedBackend(limits.allow_private)``).
    """
    ascii_url(url)
    guard = backend or GuardedBackend(limits.allow_private)
    try:
        with anyio.fail_after(limits.total_s):
            async with guarded_pool(guard) as pool:
                return await _follow(pool, url, limits, headers)
    except (TimeoutError, httpcore.TimeoutException) as exc:
        raise FetchTimeout(
            f"the URL did not answer within {limits.total_s:g}s", url=clipped(url)
        ) from exc
    except _FAILURES as exc:
        raise FetchFailed(
            f"cannot fetch the URL: {exc or type(exc).__name__}", url=clipped(url)
        ) from exc


async def _follow(
    pool: httpcore.AsyncConnectionPool, url: str, limits: FetchLimits, headers: Headers
) -> Fetched:
    timeouts = {
        "connect": limits.connect_s,
        "read": limits.read_s,
        "write": limits.read_s,
        "pool": limits.total_s,
    }
    for _hop in range(limits.max_redirects + 1):
        url = ascii_url(url, limits.allowed_hosts)
        async with pool.stream(
            "GET", url, headers=list(headers), extensions={"timeout": timeouts}
        ) as response:
            location = _location(response)
            if response.status in _REDIRECTS and location:
                url = urljoin(url, location)
                continue
            etag, modified = _header(response, b"etag"), _header(response, b"last-modified")
            if response.status == 304:
                return Fetched(304, b"", _text(etag), _text(modified))
            if not 200 <= response.status < 300:
                raise FetchFailed(
                    f"the URL answered HTTP {response.status}",
                    url=clipped(url),
                    status=response.status,
                )
            body = await _read_limited(response, limits.max_bytes)
            return Fetched(response.status, body, _text(etag), _text(modified))
    raise FetchFailed(f"more than {limits.max_redirects} redirects", url=clipped(url))


def ascii_url(url: str, allowed_hosts: frozenset[str] = frozenset()) -> str:
    """``url`` checked (400 unless absolute http(s); 403 for a host not in a non-empty
    ``allowed_hosts``) and in the ASCII form sent on the wire."""
    host = check_url(url)
    if allowed_hosts and host.lower() not in allowed_hosts:
        raise BlockedAddress(f"{host} is not an allowed origin host", host=host)
    if url.isascii():  # as given: httpx would refuse spellings the guard judges (0177.0.0.1)
        return url
    try:
        return str(httpx.URL(url))
    except httpx.InvalidURL as exc:
        raise ClientError(f"not a valid URL: {exc}", url=clipped(url)) from exc


def _location(response: httpcore.Response) -> str | None:
    raw = _header(response, b"location")
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _header(response: httpcore.Response, name: bytes) -> bytes | None:
    return next((value for key, value in response.headers if key.lower() == name), None)


def _text(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("latin-1")


async def _read_limited(response: httpcore.Response, max_bytes: int) -> bytes:
    declared = _header(response, b"content-length") or b""
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    received = 0
    async for chunk in response.aiter_stream():
        received += len(chunk)
        if received > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the image is larger than {max_bytes} bytes", limit=max_bytes)
