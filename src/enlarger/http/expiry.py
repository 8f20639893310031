"""Cache lifetimes of expiring URLs: a cache must never keep a response past its URL's
``expires`` (the server would answer 410 by then), so ``max-age`` is cut to what is left."""

from __future__ import annotations

import math
import re

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.IGNORECASE)


def bounded_max_age(
    max_age: int | None, expires: int | None, now: float, cache_control: str
) -> int | None:
    """The ``max-age`` to send: the dialect's (``max_age``), else the server's
    ``cache_control`` lifetime, cut to the seconds left before ``expires``; None when
    the URL does not expire and the dialect sets none (the server's header is sent)."""
    if expires is None:
        return max_age
    left = max(0, math.floor(expires - now))
    lifetime = max_age if max_age is not None else server_lifetime(cache_control)
    return left if lifetime is None else min(lifetime, left)


def server_lifetime(cache_control: str) -> int | None:
    """The ``max-age`` in a Cache-Control value, if any."""
    found = _MAX_AGE.search(cache_control)
    return int(found.group(1)) if found else None
