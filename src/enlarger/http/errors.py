"""The one place that turns errors into HTTP responses.

Every error body is JSON: ``{"error": code, "message": ..., **details}``. Error
responses are never cached (``Cache-Control: no-store``); 429, and 503 where a retry
can succeed, carry ``Retry-After``. The storage layer's errors carry no HTTP status;
``http_error`` maps them here (a failing store is 503, a missing object 404). Any other
exception that is not an ``EnlargerError`` is a bug: it is logged with its traceback and
answered with a generic 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import structlog
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from enlarger.errors import EnlargerError, NotFound, Overloaded, Unavailable
from enlarger.storage.protocol import ObjectNotFound, StorageUnavailableError

log = structlog.get_logger("enlarger.http")

_CODES_BY_STATUS = {404: "not_found", 405: "method_not_allowed"}
#: seconds a client should wait before retrying while object storage is unavailable.
STORAGE_RETRY_AFTER_S = 5


def error_response(
    status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> Response:
    return JSONResponse(
        dict(body), status, headers={"cache-control": "no-store", **(headers or {})}
    )


def enlarger_error_response(exc: EnlargerError, request: Request | None = None) -> Response:
    headers = {}
    if isinstance(exc, Overloaded | Unavailable) and exc.retry_after is not None:
        headers["retry-after"] = str(exc.retry_after)
    if exc.report:
        where = {} if request is None else _where(request.scope)
        log.warning(
            "request_failed", error=exc.code, message=exc.message, status=exc.status, **where
        )
    return error_response(exc.status, exc.body(), headers)


def _where(scope: Scope) -> dict[str, str]:
    """The request an error line is about: its path and query, as received."""
    query: bytes = scope.get("query_string", b"")
    return {"path": scope.get("path", ""), "query": query.decode("latin-1")}


async def handle_enlarger_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EnlargerError)
    return enlarger_error_response(exc, request)


def http_error(exc: StorageUnavailableError | ObjectNotFound) -> EnlargerError:
    """The HTTP error a storage failure that reached a request stands for."""
    if isinstance(exc, ObjectNotFound):
        return NotFound("the object is not in storage")
    log.warning("storage_unavailable", store=exc.store, operation=exc.operation, cause=str(exc))
    return Unavailable("object storage is unavailable", retry_after=STORAGE_RETRY_AFTER_S)


async def handle_storage_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StorageUnavailableError | ObjectNotFound)
    return enlarger_error_response(http_error(exc), request)


async def handle_http_exception(_: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown route, wrong method) in the same JSON shape."""
    assert isinstance(exc, HTTPException)
    code = _CODES_BY_STATUS.get(exc.status_code, HTTPStatus(exc.status_code).phrase.lower())
    body = {"error": code.replace(" ", "_"), "message": exc.detail}
    return error_response(exc.status_code, body, exc.headers)


EXCEPTION_HANDLERS = {
    EnlargerError: handle_enlarger_error,
    StorageUnavailableError: handle_storage_error,
    ObjectNotFound: handle_storage_error,
    HTTPException: handle_http_exception,
}


class UnexpectedErrors:
    """ASGI middleware: any other exception becomes a logged 500 with a JSON body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled_error", method=scope.get("method"), **_where(scope))
            if started:
                raise
            body = {"error": "internal_error", "message": "internal server error"}
            await error_response(500, body)(scope, receive, send)
