"""``enlarger upload --server``: POST each file to a running server.

The server and the key are checked once before any file is sent, so a wrong key or an
unreachable server is one clear error instead of the same failure once per file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from enlarger.cli.upload_outcomes import Sender, Sent
from enlarger.errors import ConfigError, EnlargerError

#: statuses that mean the key itself is refused: no file would be accepted.
_KEY_REFUSED = frozenset({401, 403})


def server_url(raw: str) -> str:
    """``--server``'s base URL; ``host:port`` without a scheme means ``http://host:port``."""
    url = raw if "://" in raw else f"http://{raw}"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(
            f"--server wants the server's address, e.g. http://127.0.0.1:8080; got {raw!r}"
        )
    return url.rstrip("/")


@asynccontextmanager
async def remote_sender(server: str, api_key: str) -> AsyncIterator[Sender]:
    headers = {"authorization": f"Bearer {api_key}"}
    timeout = httpx.Timeout(120.0, connect=10.0)
    async with httpx.AsyncClient(base_url=server, headers=headers, timeout=timeout) as client:
        await _check_key(client, server)

        async def send(path: Path) -> Sent:
            try:
                data = await asyncio.to_thread(path.read_bytes)
                response = await client.post("/v1/images", files={"file": (path.name, data)})
            except (OSError, httpx.HTTPError) as exc:
                return Sent("rejected", str(exc) or type(exc).__name__)
            if response.status_code in (200, 201):
                image_id = str(response.json().get("id", "")) or None
                return Sent(
                    "uploaded" if response.status_code == 201 else "duplicate", "", image_id
                )
            return Sent("rejected", _reason(response))

        yield send


async def _check_key(client: httpx.AsyncClient, server: str) -> None:
    """Stop before the first file when the server cannot be reached or refuses the key."""
    try:
        response = await client.get("/v1/images", params={"limit": 1})
    except httpx.HTTPError as exc:
        raise EnlargerError(f"cannot reach {server}: {exc or type(exc).__name__}") from None
    if response.status_code in _KEY_REFUSED:
        raise EnlargerError(
            f"{server} refused the API key ({_reason(response)}); "
            "create one on the server with `enlarger keys create NAME`"
        )


def _reason(response: httpx.Response) -> str:
    try:
        message = response.json().get("message")
    except ValueError:
        message = None
    return f"HTTP {response.status_code}: {message or response.reason_phrase}"
