"""An expiring URL's response is never cached past its ``expires``."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from enlarger.http.expiry import bounded_max_age, server_lifetime
from tests.support.render_app import client_for, make_app

pytestmark = pytest.mark.anyio


def max_age(cache_control: str) -> int:
    found = re.search(r"max-age=(\d+)", cache_control)
    assert found, cache_control
    return int(found.group(1))


async def test_cache_control_never_outlives_the_expiry(originals: Path) -> None:
    expires = int(time.time()) + 120
    async with client_for(make_app(originals)) as client:
        expiring = await client.get(f"/rocket.jpg?w=10&expires={expires}")
        plain = await client.get("/rocket.jpg?w=10")
    assert expiring.status_code == 200
    assert 100 <= max_age(expiring.headers["cache-control"]) <= expires - int(time.time())
    assert "immutable" not in expiring.headers["cache-control"]
    assert max_age(plain.headers["cache-control"]) == 31536000
    assert expiring.headers["etag"] == plain.headers["etag"]


def test_the_shorter_of_the_lifetime_and_the_time_left_wins() -> None:
    server = "public, max-age=600, immutable"
    assert bounded_max_age(None, None, 1000.0, server) is None
    assert bounded_max_age(None, 1100, 1000.0, server) == 100
    assert bounded_max_age(None, 5000, 1000.0, server) == 600
    assert bounded_max_age(30, 5000, 1000.0, server) == 30
    assert bounded_max_age(None, 1000, 1000.5, server) == 0
    assert bounded_max_age(None, 1100, 1000.0, "no-store") == 100
    assert (server_lifetime("private, MAX-AGE = 7"), server_lifetime("no-cache")) == (7, None)
