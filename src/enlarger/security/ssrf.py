"""SSRF guard for every outbound request a client can aim (URL imports, webhook callbacks).

The check runs on the address actually connected to: ``GuardedBackend`` resolves the host
once, rejects the whole name if any address is not public, and connects to a vetted IP.
TLS still uses the URL's host name for SNI and certificate checks, and the Host header is
the URL's, because httpcore takes both from the request, not from the socket. Resolving
through ``getaddrinfo`` also normalises the odd spellings (``2130706433``, ``0177.0.0.1``,
``0x7f.1``) to the address they really mean before it is judged; which addresses pass
is decided in ``address_ranges``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import anyio
import httpcore

from enlarger.errors import BlockedAddress, ClientError, FetchFailed, clipped
from enlarger.security.address_ranges import blocked_reason

ALLOWED_SCHEMES = frozenset({"http", "https"})


def check_url(url: str) -> str:
    """Return the URL's host after checking it is an absolute http(s) URL (else 400)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as exc:
        raise ClientError(f"not a valid URL: {exc}", url=clipped(url)) from exc
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise ClientError("only http and https URLs are accepted", url=clipped(url))
    if not host:
        raise ClientError("the URL has no host", url=clipped(url))
    return host


def vet_addresses(host: str, addresses: Iterable[str], allow_private: bool) -> list[str]:
    """Return the addresses in order, or raise 403 when any of them is not public."""
    vetted: list[str] = []
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        reason = None if allow_private else blocked_reason(address)
        if reason is not None:
            raise BlockedAddress(f"{host} resolves to a {reason} address ({address})", host=host)
        vetted.append(str(address))
    return vetted


async def resolve(host: str, port: int, allow_private: bool) -> list[str]:
    """Resolve ``host`` once and return its vetted addresses (403 if any is blocked)."""
    try:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchFailed(f"cannot resolve {host}: {exc.strerror or exc}", host=host) from exc
    seen = dict.fromkeys(str(info[4][0]) for info in infos)
    return vet_addresses(host, seen, allow_private)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that only ever connects to vetted addresses."""

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.vetted(host, port)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        raise httpcore.ConnectError(f"cannot connect to {host}:{port}: {last_error}")

    async def vetted(self, host: str, port: int) -> list[str]:
        """The addresses ``host`` may be reached at (403 when any is not allowed)."""
        return await resolve(host, port, self._allow_private)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_pool(backend: GuardedBackend) -> httpcore.AsyncConnectionPool:
    """A connection pool whose every connection goes through the SSRF guard."""
    return httpcore.AsyncConnectionPool(network_backend=backend, max_connections=10)
