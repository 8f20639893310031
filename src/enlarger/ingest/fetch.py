"""Download an image for a URL import through the guarded fetch (``security/fetch.py``)."""

from __future__ import annotations

from enlarger.security.fetch import MAX_REDIRECTS, FetchLimits, guarded_get
from enlarger.security.ssrf import GuardedBackend

_HEADERS = ((b"User-Agent", b"Enlarger-URL-import/1"), (b"Accept", b"image/*"))


async def fetch_image(
    url: str,
    *,
    max_bytes: int,
    timeout_s: float,
    allow_private: bool,
    max_redirects: int = MAX_REDIRECTS,
    backend: GuardedBackend | None = None,
) -> bytes:
    """Return the body behind ``url``: one ``timeout_s`` bounds the whole fetch and each
    connect and read; 413 over ``max_bytes``, 504 on timeout, 422 for other failures.

    ``backend`` replaces the default guard (``GuardedBackend(allow_private)``).
    """
    limits = FetchLimits(max_bytes, timeout_s, timeout_s, timeout_s, max_redirects, allow_private)
    fetched = await guarded_get(url, limits, _HEADERS, backend)
    return fetched.body
