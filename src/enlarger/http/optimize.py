"""The optimization API's two front doors over one ``OptimizeService``.

Kraken's wire format: ``POST /kraken/v1/upload`` (multipart ``file`` + JSON ``data``),
``POST /kraken/v1/url`` (JSON with ``url``), ``POST /kraken/user_status``, authenticated
in the body (``"auth": {"api_key": NAME, "api_secret": KEY}``). Enlarger's:
``POST /v1/optimize`` (either body) with ``Authorization: Bearer KEY``. Results are
served by ``GET /kraken/results/<id>/<name>`` until they expire (then 410). Every error
has Kraken's shape, ``{"success": false, "message": ...}``, plus Enlarger's ``error``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from enlarger.catalog.models import ApiKey, utcnow
from enlarger.catalog.optimizations import get_optimization, month_usage, monthly_quota
from enlarger.errors import ClientError, EnlargerError, Expired, InvalidParameter, NotFound, clipped
from enlarger.http.body_limit import limited
from enlarger.http.errors import enlarger_error_response
from enlarger.http.json_body import parse_json, read_json
from enlarger.http.pool import RenderPool
from enlarger.http.sessions import in_session
from enlarger.http.upload_body import MULTIPART_OVERHEAD, parsed_form
from enlarger.ingest.fetch import fetch_image
from enlarger.optimize.request import parse_request, safe_file_name
from enlarger.optimize.results import MEDIA_TYPES, result_key
from enlarger.optimize.service import OptimizeService, Submission
from enlarger.security.api_keys import authenticate, authenticate_named
from enlarger.services import Services, render_options
from enlarger.storage.protocol import ObjectNotFound

Endpoint = Callable[[Request], Awaitable[Response]]
PLAN_NAME = "Enlarger"
_KEPT_HEADERS = frozenset({"cache-control", "retry-after"})


def kraken_errors(endpoint: Endpoint) -> Endpoint:
    """Answer errors in Kraken's shape (``success: false``) with their own status."""

    @functools.wraps(endpoint)
    async def wrapped(request: Request) -> Response:
        try:
            return await endpoint(request)
        except EnlargerError as exc:
            response = enlarger_error_response(exc)  # logs it; its headers are kept
            body = {"success": False, "message": exc.message, "error": exc.code}
            kept = {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS}
            return JSONResponse(body, exc.status, headers=kept)

    return wrapped


class OptimizeAPI:
    def __init__(self, services: Services, service: OptimizeService) -> None:
        self._services = services
        self._settings = services.settings
        self._service = service

    def routes(self) -> list[Route]:
        return [
            Route("/kraken/v1/upload", kraken_errors(self.kraken_upload), methods=["POST"]),
            Route("/kraken/v1/url", kraken_errors(self.kraken_url), methods=["POST"]),
            Route("/kraken/user_status", kraken_errors(self.user_status), methods=["POST"]),
            Route("/kraken/results/{optimization_id}/{name}", self.result, methods=["GET"]),
            Route("/v1/optimize", kraken_errors(self.v1_optimize), methods=["POST"]),
        ]

    async def kraken_upload(self, request: Request) -> Response:
        raw, data, file_name = await self._form(request)
        key = await self._named_key(raw)
        return await self._optimize(request, key, raw, data, file_name)

    async def kraken_url(self, request: Request) -> Response:
        raw = await _json_body(request)
        key = await self._named_key(raw)
        return await self._optimize(request, key, raw, None, None)

    async def v1_optimize(self, request: Request) -> Response:
        header = request.headers.get("authorization")
        key = await in_session(self._services.sessions, lambda s: authenticate(s, header))
        if _content_type(request) == "multipart/form-data":
            raw, data, file_name = await self._form(request)
            return await self._optimize(request, key, raw, data, file_name)
        return await self._optimize(request, key, await _json_body(request), None, None)

    async def user_status(self, request: Request) -> Response:
        key = await self._named_key(await _json_body(request))

        def status(session: Any) -> dict[str, Any]:
            usage = month_usage(session, key.id)
            quota = monthly_quota(session, key.id)
            remaining = None if quota is None else max(0, quota - usage.input_bytes)
            return {
                "success": True,
                "active": key.revoked_at is None,
                "plan_name": PLAN_NAME,
                "quota_total": quota,
                "quota_used": usage.input_bytes,
                "quota_remaining": remaining,
                "requests": usage.requests,
                "saved_bytes": usage.saved_bytes,
            }

        return JSONResponse(await in_session(self._services.sessions, status))

    async def result(self, request: Request) -> Response:
        """A result file until it expires: 404 for ids never given out, 410 after."""
        optimization_id = request.path_params["optimization_id"]
        name = request.path_params["name"]
        row = await in_session(
            self._services.sessions, lambda s: get_optimization(s, optimization_id)
        )
        if row is None:
            raise NotFound(
                f"no optimization {clipped(optimization_id)!r}", id=clipped(optimization_id)
            )
        if row.swept_at is not None or (row.expires_at is not None and row.expires_at <= utcnow()):
            raise Expired("this result has expired and was removed", id=optimization_id)
        try:
            data = await self._services.store.get(result_key(optimization_id, name))
        except (ObjectNotFound, ValueError):
            raise NotFound(
                f"no file {clipped(name)!r} in this result", id=clipped(optimization_id)
            ) from None
        media_type = MEDIA_TYPES.get(name.rpartition(".")[2], "application/octet-stream")
        return Response(data, media_type=media_type, headers={"cache-control": "private"})

    async def _named_key(self, raw: dict[str, Any]) -> ApiKey:
        auth = raw.get("auth")
        return await in_session(self._services.sessions, lambda s: authenticate_named(s, auth))

    async def _form(self, request: Request) -> tuple[dict[str, Any], bytes, str | None]:
        if _content_type(request) != "multipart/form-data":
            raise ClientError("expected a multipart/form-data body with fields file and data")
        body = limited(request, self._settings.ingest.max_upload_bytes + MULTIPART_OVERHEAD)
        form = await parsed_form(body)  # a malformed one is a ClientError: Kraken's shape
        try:
            upload, data = form.get("file"), form.get("data")
            if not isinstance(upload, UploadFile):
                raise ClientError('missing form field "file" (the image)', field="file")
            raw = _json_object(parse_json(data if isinstance(data, str) else "{}", "the options"))
            return raw, await upload.read(), upload.filename
        finally:
            await form.close()

    async def _optimize(
        self,
        request: Request,
        key: ApiKey,
        raw: dict[str, Any],
        data: bytes | None,
        file_name: str | None,
    ) -> Response:
        parsed = parse_request(raw)
        await self._service.check_destinations(parsed)
        if data is None:
            if parsed.url is None:
                raise InvalidParameter("url", "the URL of the image", "missing")
            ingest = self._settings.ingest
            data = await fetch_image(
                parsed.url,
                max_bytes=ingest.max_upload_bytes,
                timeout_s=ingest.fetch_timeout_s,
                allow_private=ingest.allow_private_urls,
            )
            file_name = urlsplit(parsed.url).path
        public_url = self._settings.ingest.public_url or str(request.base_url).rstrip("/")
        submission = Submission(raw, parsed, data, safe_file_name(file_name), public_url)
        return JSONResponse(await self._service.submit(key.id, submission))


def optimize_api(services: Services, pool: RenderPool, dispatch: Callable[[], None]) -> OptimizeAPI:
    """Wire the API: pixel work in the render pool, ``dispatch`` wakes the job engine."""
    service = OptimizeService(
        services.settings,
        services.store,
        services.sessions,
        render_options(services.settings.render),
        pool.run,
        dispatch,
    )
    return OptimizeAPI(services, service)


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _json_body(request: Request) -> dict[str, Any]:
    return _json_object(await read_json(request, "the options"))


def _json_object(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise ClientError("the options must be a JSON object")
    return document
