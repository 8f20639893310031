"""Request bodies read with a byte limit: 413 as soon as the limit is passed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import Message

from enlarger.errors import PayloadTooLarge


def limited(request: Request, limit: int) -> Request:
    """The same request whose body reading stops with 413 past ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise _too_large(limit)
        return message

    return Request(request.scope, receive)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the request body is larger than {limit} bytes", limit=limit)
