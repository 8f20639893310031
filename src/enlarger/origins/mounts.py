"""Origins configured by name (``[[origins]]``) and mounted at path prefixes.

An origin's ``url`` says what it is (see ``settings.OriginMount``). A render URL's path
goes to the origin with the longest prefix that starts it; ``[render] originals``, the
web folder at the root, takes what no prefix claims.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from enlarger.errors import ConfigError
from enlarger.origins.base import Origin
from enlarger.origins.bucket import BucketOrigin
from enlarger.origins.local import WebFolder
from enlarger.origins.origin_cache import OriginCache
from enlarger.origins.web import OriginFetcher, ProxyOrigin, WebOrigin
from enlarger.security.fetch import FetchLimits
from enlarger.security.ssrf import GuardedBackend
from enlarger.settings import OriginMount, OriginSettings, Settings
from enlarger.storage.url import open_store

#: (path prefix, origin), most specific first; "" (the root web folder) comes last.
Mounts = Sequence[tuple[str, Origin]]


def open_origins(
    settings: Settings,
    uploads: Origin,
    root: Origin | None,
    web_fetcher: Callable[[], OriginFetcher],
) -> Mounts:
    """Every configured origin at its prefix, then ``root`` (when there is one) at "";
    web origins fetch through ``web_fetcher()`` (``shared_fetcher``)."""
    mounts: list[tuple[str, Origin]] = []
    for mount in settings.origins:
        origin = _origin(mount, settings, uploads, web_fetcher)
        mounts.append((mount.path_prefix, origin))
    mounts.sort(key=lambda pair: len(pair[0]), reverse=True)
    if root is not None:
        mounts.append(("", root))
    return mounts


def shared_fetcher(
    settings: Settings, backend: GuardedBackend | None = None
) -> Callable[[], OriginFetcher]:
    """The process's one fetcher of web sources, made on first use: web origins and overlay
    URLs share it, so the disk origin cache has one owner and one byte bound."""
    return functools.cache(lambda: origin_fetcher(settings, backend))


def origin_fetcher(settings: Settings, backend: GuardedBackend | None = None) -> OriginFetcher:
    origin: OriginSettings = settings.origin
    limits = FetchLimits(
        max_bytes=settings.render.max_source_bytes,
        total_s=origin.origin_connect_timeout_s + origin.origin_read_timeout_s,
        connect_s=origin.origin_connect_timeout_s,
        read_s=origin.origin_read_timeout_s,
        max_redirects=origin.origin_max_redirects,
        allow_private=origin.origin_allow_private,
        allowed_hosts=origin.allowed_hosts(),
    )
    cache = OriginCache(settings.data_dir / "origin-cache", origin.origin_cache_bytes)
    return OriginFetcher(limits, cache, origin.origin_fresh_s, backend)


def _origin(
    mount: OriginMount,
    settings: Settings,
    uploads: Origin,
    web_fetcher: Callable[[], OriginFetcher],
) -> Origin:
    scheme = urlsplit(mount.url).scheme.lower()
    max_bytes = settings.render.max_source_bytes
    if scheme in ("http", "https"):
        return WebOrigin(mount.url, web_fetcher())
    if scheme == "proxy":
        if not settings.render.sign_key:
            raise ConfigError(
                f"config: [[origins]] {mount.name!r} is a web proxy: it needs [render] "
                "sign_key, so that only signed URLs reach it"
            )
        return ProxyOrigin(web_fetcher())
    if scheme == "uploads":
        return uploads
    if scheme == "s3":
        return BucketOrigin(open_store(mount.url, settings.data_dir), max_bytes)
    if scheme in ("", "file"):
        folder = Path(urlsplit(mount.url).path if scheme else mount.url)
        try:
            return WebFolder(folder, max_bytes)
        except OSError as exc:
            raise ConfigError(
                f"config: [[origins]] {mount.name!r}: {folder} is not a readable folder: {exc}"
            ) from exc
    raise ConfigError(
        f"config: [[origins]] {mount.name!r}: unsupported url {mount.url!r}; expected a "
        "folder, uploads:, s3://bucket, http(s)://base/ or proxy:"
    )
