"""Every source one render reads: the main one and the extras its spec names.

All of them are located before anything is read, so the ETag covers each one's identity
and a 304 reads nothing. A missing extra is a 404 like a missing main source (the URL
names an image that is not there), with ``source`` naming its role. An extra named
by an absolute URL is fetched through ``urls`` (a web proxy origin, only when
``[render] overlay_urls`` is on; otherwise a 400). Without extras this is exactly one
``locate`` and one ``read``, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from enlarger.errors import ClientError, NotFound, clipped
from enlarger.imaging import Sources
from enlarger.origins.base import Origin, Source
from enlarger.spec.model import RenderSpec
from enlarger.spec.overlay_parts import is_url


@dataclass(frozen=True, slots=True)
class Located:
    """The located main source and extras (role -> ``Source``)."""

    main: Source
    extras: Mapping[str, Source]

    @property
    def mtime(self) -> float:
        """The latest change of any of them (Last-Modified)."""
        return max([self.main.mtime, *(extra.mtime for extra in self.extras.values())])

    @property
    def size(self) -> int:
        """The bytes reading them all will hold."""
        return self.main.size + sum(extra.size for extra in self.extras.values())

    def identities(self) -> tuple[str, ...]:
        """What the bytes depend on: the main identity, then ``role=identity`` per extra."""
        extras = (f"{role}={self.extras[role].identity}" for role in sorted(self.extras))
        return (self.main.identity, *extras)

    async def read(self) -> bytes | Sources:
        """The main source's bytes, or ``Sources`` with every extra's bytes too."""
        if not self.extras:
            return await self.main.read()
        roles = list(self.extras)
        main, *extras = await asyncio.gather(
            self.main.read(), *(self.extras[role].read() for role in roles)
        )
        return Sources(main, dict(zip(roles, extras, strict=True)))


async def locate(
    origin: Origin, path: str, spec: RenderSpec, urls: Origin | None = None
) -> Located:
    """Locate ``path`` and each of ``spec.extra_sources()`` in ``origin`` (absolute URLs
    through ``urls``)."""
    main = await origin.locate(path)
    named = spec.extra_sources()
    if not named:
        return Located(main, {})
    found = await asyncio.gather(
        *(_locate_extra(origin, urls, role, p) for role, p in named.items())
    )
    return Located(main, dict(zip(named, found, strict=True)))


async def _locate_extra(origin: Origin, urls: Origin | None, role: str, path: str) -> Source:
    if is_url(path):
        if urls is None:
            raise ClientError(
                f"the {role} image is an absolute URL: this server draws only images of "
                "its own sources ([render] overlay_urls is off)",
                source=role,
            )
        origin = urls
    try:
        return await origin.locate(path)
    except NotFound:
        raise NotFound(f"the {role} image {clipped(path)!r} was not found", source=role) from None
