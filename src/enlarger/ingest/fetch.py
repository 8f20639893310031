"""Download an image for a URL import, through the SSRF guard, within byte and time limits.

Every hop (the URL and each redirect target) is checked for scheme and connected only to
vetted addresses. Limits: the byte limit is enforced on ``Content-Length`` and again while
streaming (413); ``timeout_s`` bounds the whole fetch including redirects, and connect
and read get the same bound each. Timeouts answer 504 (the upstream was too slow: a
transient failure that jobs retry); DNS failures, refused connections, protocol errors
and non-2xx answers 422.

URLs are sent the way browsers send them: a non-ASCII host in its IDNA form and other
non-ASCII characters percent-encoded as UTF-8 (``https://x/café.jpg`` asks for
``/caf%C3%A9.jpg``); escapes already present are kept. A ``Location`` header is read as
UTF-8 when it is valid UTF-8, as servers that send raw non-ASCII targets mean it.
"""

from __future__ import annotations

from urllib.parse import urljoin

import anyio
import httpcore
import httpx

from enlarger.errors import ClientError, FetchFailed, FetchTimeout, PayloadTooLarge
from enlarger.security.ssrf import GuardedBackend, check_url, guarded_pool

MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HEADERS = [(b"User-Agent", b"Enlarger-URL-import/1"), (b"Accept", b"image/*")]
_FAILURES = (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol)


async def fetch_image(
    url: str,
    *,
    max_bytes: int,
    timeout_s: float,
    allow_private: bool,
    max_redirects: int = MAX_REDIRECTS,
    backend: GuardedBackend | None = None,
) -> bytes:
    """Return the body behind ``url``; raise a 4xx/504 ``EnlargerError`` when it can't.

    ``backend`` replaces the default guard (``GuardedBackend(allow_private)``).
    """
    ascii_url(url)
    guard = backend or GuardedBackend(allow_private)
    try:
        with anyio.fail_after(timeout_s):
            async with guarded_pool(guard) as pool:
                return await _follow(pool, url, max_bytes, timeout_s, max_redirects)
    except (TimeoutError, httpcore.TimeoutException) as exc:
        raise FetchTimeout(f"the URL did not answer within {timeout_s:g}s", url=url) from exc
    except _FAILURES as exc:
        raise FetchFailed(f"cannot fetch the URL: {exc or type(exc).__name__}", url=url) from exc


async def _follow(
    pool: httpcore.AsyncConnectionPool,
    url: str,
    max_bytes: int,
    timeout_s: float,
    max_redirects: int,
) -> bytes:
    timeouts = {"connect": timeout_s, "read": timeout_s, "write": timeout_s, "pool": timeout_s}
    for _hop in range(max_redirects + 1):
        url = ascii_url(url)
        async with pool.stream(
            "GET", url, headers=_HEADERS, extensions={"timeout": timeouts}
        ) as response:
            location = _location(response)
            if response.status in _REDIRECTS and location:
                url = urljoin(url, location)
                continue
            if not 200 <= response.status < 300:
                raise FetchFailed(
                    f"the URL answered HTTP {response.status}", url=url, status=response.status
                )
            return await _read_limited(response, max_bytes)
    raise FetchFailed(f"more than {max_redirects} redirects", url=url)


def ascii_url(url: str) -> str:
    """``url`` checked (400 unless absolute http(s)) and in the ASCII form sent on the wire."""
    check_url(url)
    if url.isascii():  # as given: httpx would refuse spellings the guard judges (0177.0.0.1)
        return url
    try:
        return str(httpx.URL(url))
    except httpx.InvalidURL as exc:
        raise ClientError(f"not a valid URL: {exc}", url=url) from exc


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
