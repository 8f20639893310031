"""Where the replay tools may send traffic: loopback, or hosts the operator names.

A replay is a load test; aimed at someone else's server it is an attack. So the target
must be http(s) on a loopback address (``localhost``, 127.0.0.0/8, ::1) or a host given
with ``--allow-host`` (or ``ENLARGER_REPLAY_HOSTS``, comma-separated).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from enlarger.errors import ClientError


def check_target(url: str, allowed_hosts: Iterable[str] = ()) -> str:
    """``url`` without a trailing slash, or ``ClientError`` saying why it may not be used."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ClientError(f"the target must be an http(s) URL with a host, not {url!r}")
    allowed = {h.strip().lower() for h in allowed_hosts if h.strip()}
    if not (_is_loopback(host) or host in allowed):
        raise ClientError(
            f"refusing to send load to {host}: targets must be loopback addresses or "
            "hosts named with --allow-host (ENLARGER_REPLAY_HOSTS)"
        )
    return url.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
