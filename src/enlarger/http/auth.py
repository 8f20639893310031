"""The API-key check every ``/v1`` route awaits first: ``Authorization: Bearer <key>``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request

from enlarger.catalog.types import Session, sessionmaker
from enlarger.http.sessions import in_session
from enlarger.security.api_keys import authenticate

#: raises 401 without a key and 403 for a key that is unknown or revoked.
Authorize = Callable[[Request], Awaitable[None]]


def api_key_auth(sessions: sessionmaker[Session]) -> Authorize:
    async def authorize(request: Request) -> None:
        header = request.headers.get("authorization")
        await in_session(sessions, lambda session: authenticate(session, header))

    return authorize
