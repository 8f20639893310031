"""The origins' settings: how web origins are fetched and cached (``[origin]``), and the
``[[origins]]`` tables that mount named sources at path prefixes."""

from __future__ import annotations

import dataclasses
from typing import Annotated, ClassVar

from enlarger.errors import ConfigError
from enlarger.settings_sections import COUNT, POSITIVE, Section


@dataclasses.dataclass(frozen=True, slots=True)
class OriginSettings(Section):
    """How originals are fetched from web origins (``[[origins]]`` with an http(s) URL or
    ``proxy:``) and kept in the local origin cache."""

    TABLE: ClassVar[str] = "origin"
    origin_connect_timeout_s: Annotated[float, POSITIVE] = 5.0
    #: seconds each read may wait for bytes, and the bound on a whole fetch with redirects.
    origin_read_timeout_s: Annotated[float, POSITIVE] = 15.0
    origin_max_redirects: Annotated[int, COUNT] = 3
    #: comma-separated host names every fetch (and each redirect) must name; empty: any
    #: host the SSRF guard admits.
    origin_allowed_hosts: str = ""
    #: let origins reach loopback/private addresses (a web folder on the local network).
    origin_allow_private: bool = False
    #: fetched originals kept on disk under DATA_DIR/origin-cache, least recently used out.
    origin_cache_bytes: Annotated[int, COUNT] = 2 * 1024 * 1024 * 1024
    #: seconds a fetched original is used before it is revalidated (ETag/Last-Modified).
    origin_fresh_s: Annotated[float, COUNT] = 60.0

    def allowed_hosts(self) -> frozenset[str]:
        return frozenset(
            h.strip().lower() for h in self.origin_allowed_hosts.split(",") if h.strip()
        )


@dataclasses.dataclass(frozen=True, slots=True)
class OriginMount(Section):
    """One ``[[origins]]`` table: a named source of originals served under ``prefix``.

    ``url`` says which: a folder (a path or ``file:///dir``), ``uploads:`` (the upload
    store), ``s3://bucket/prefix?endpoint=...``, an ``http(s)://`` base URL (a web
    folder) or ``proxy:`` (the full source URL in the path; signed URLs only).
    """

    TABLE: ClassVar[str] = "origins"
    name: str = ""
    url: str = ""
    #: the first path segment(s) the origin owns, without slashes (``photos``).
    prefix: str = ""

    def __post_init__(self) -> None:
        segments = self.prefix.strip("/").split("/")
        if not self.name or not self.url:
            raise ConfigError("config: every [[origins]] table needs a name and a url")
        if any(s in ("", ".", "..") for s in segments):
            raise ConfigError(
                f"config: [[origins]] {self.name!r}: prefix {self.prefix!r} must name "
                "one or more path segments (a web folder at the root is [render] originals)"
            )

    @property
    def path_prefix(self) -> str:
        """The prefix of source paths this origin owns: ``photos/``."""
        return self.prefix.strip("/") + "/"
