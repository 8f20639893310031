"""The upload API (``/v1/images``) and the render routes of uploaded images (``/i/...``).

``POST /v1/images`` takes a multipart form (field ``file``), a raw body, or JSON
``{"url": ..., "callback_url": ...}``; ``callback_url`` may also be a form field or a
query parameter. The body limit is enforced while the body streams in. Every ``/v1``
route needs an API key. ``/i/{id}`` renders like a web-folder image; ``/i/{id}/{preset}``
serves the stored derivative and is 404 (with the preset's status) until it exists.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message

from enlarger.catalog.models import Derivative, Image
from enlarger.catalog.repository import get_derivative, get_image
from enlarger.errors import ClientError, NotFound, PayloadTooLarge
from enlarger.http.pool import RenderPool
from enlarger.http.render import Renderer
from enlarger.ingest.service import Ingested, Ingestor
from enlarger.ingest.views import image_json, latest_convert_job, preset_status
from enlarger.origins.store import StoreOrigin
from enlarger.security.api_keys import authenticate
from enlarger.services import Services
from enlarger.spec.model import Format
from enlarger.storage.keys import derivatives_prefix
from enlarger.storage.protocol import ObjectNotFound

T = TypeVar("T")

DEFAULT_PAGE = 20
MAX_PAGE = 100
#: room for multipart boundaries and part headers on top of the file itself.
MULTIPART_OVERHEAD = 64 * 1024
MAX_JSON_BYTES = 64 * 1024


class ImagesAPI:
    def __init__(
        self, services: Services, ingestor: Ingestor, renderer: Renderer, origin: StoreOrigin
    ) -> None:
        self._services = services
        self._settings = services.settings
        self._ingestor = ingestor
        self._renderer = renderer
        self._origin = origin

    def routes(self) -> list[Route]:
        return [
            Route("/v1/images", self.upload, methods=["POST"]),
            Route("/v1/images", self.list_images, methods=["GET"]),
            Route("/v1/images/{image_id}", self.show, methods=["GET"]),
            Route("/v1/images/{image_id}", self.delete, methods=["DELETE"]),
            Route("/i/{image_id}", self.render, methods=["GET", "HEAD"]),
            Route("/i/{image_id}/{preset}", self.preset, methods=["GET", "HEAD"]),
        ]

    async def authorize(self, request: Request) -> None:
        header = request.headers.get("authorization")
        await self._db(lambda session: authenticate(session, header))

    async def _db(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._services.sessions() as session:
                return work(session)

        return await anyio.to_thread.run_sync(run)

    def _public_url(self, request: Request) -> str:
        return self._settings.ingest.public_url or str(request.base_url).rstrip("/")

    # POST /v1/images

    async def upload(self, request: Request) -> Response:
        await self.authorize(request)
        limit = self._settings.ingest.max_upload_bytes
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        callback = request.query_params.get("callback_url")
        if content_type == "application/json":
            url, callback = await _json_import(limited(request, MAX_JSON_BYTES))
            ingested = await self._ingestor.from_url(url, callback)
        elif content_type == "multipart/form-data":
            data, callback = await _form_file(
                limited(request, limit + MULTIPART_OVERHEAD), callback
            )
            ingested = await self._ingestor.from_bytes(data, callback)
        else:
            data = await limited(request, limit).body()
            ingested = await self._ingestor.from_bytes(data, callback)
        return await self._created(request, ingested)

    async def _created(self, request: Request, ingested: Ingested) -> Response:
        body = await self._image_body(request, ingested.image)
        headers = {"location": f"/v1/images/{ingested.image.id}"}
        return JSONResponse(body, 201 if ingested.created else 200, headers=headers)

    async def _image_body(self, request: Request, image: Image) -> dict[str, Any]:
        public_url = self._public_url(request)
        presets = self._settings.presets
        return await self._db(lambda session: image_json(session, image, presets, public_url))

    # GET /v1/images/{id}, DELETE /v1/images/{id}, GET /v1/images

    async def show(self, request: Request) -> Response:
        await self.authorize(request)
        image = await self._existing(request.path_params["image_id"])
        return JSONResponse(await self._image_body(request, image))

    async def _existing(self, image_id: str) -> Image:
        image = await self._db(lambda session: get_image(session, image_id))
        if image is None:
            raise NotFound(f"no image with id {image_id!r}", id=image_id)
        return image

    async def delete(self, request: Request) -> Response:
        """Rows first, then objects: a failure in between leaves orphans, never dangling rows."""
        await self.authorize(request)
        image = await self._existing(request.path_params["image_id"])
        await anyio.to_thread.run_sync(self._delete_row, image.id)
        store = self._services.store
        await store.delete(image.original_key)
        await store.delete_prefix(derivatives_prefix(image.sha256))
        return Response(status_code=204)

    def _delete_row(self, image_id: str) -> None:
        with self._services.sessions.begin() as session:
            row = session.get(Image, image_id)
            if row is not None:
                session.delete(row)

    async def list_images(self, request: Request) -> Response:
        await self.authorize(request)
        limit = _page_size(request.query_params.get("limit"))
        after = _decode_cursor(request.query_params.get("cursor"))
        public_url = self._public_url(request)
        presets = self._settings.presets

        def page(session: Session) -> dict[str, Any]:
            query = select(Image).order_by(Image.created_at.desc(), Image.id.desc())
            if after is not None:
                created, image_id = after
                query = query.where(
                    or_(
                        Image.created_at < created,
                        and_(Image.created_at == created, Image.id < image_id),
                    )
                )
            rows = list(session.scalars(query.limit(limit + 1)))
            more = len(rows) > limit
            items = [image_json(session, row, presets, public_url) for row in rows[:limit]]
            cursor = _encode_cursor(rows[limit - 1]) if more else None
            return {"items": items, "next_cursor": cursor}

        return JSONResponse(await self._db(page))

    # /i/{id} and /i/{id}/{preset}

    async def render(self, request: Request) -> Response:
        return await self._renderer.respond(request, self._origin, prefix="i/")

    async def preset(self, request: Request) -> Response:
        image_id, name = request.path_params["image_id"], request.path_params["preset"]
        if name not in self._settings.presets:
            raise NotFound(f"no preset named {name!r}", presets=sorted(self._settings.presets))
        image = await self._existing(image_id)

        def lookup(session: Session) -> Derivative:
            derivative = get_derivative(session, image.id, name)
            if derivative is None:
                job = latest_convert_job(session, image.id)
                status = preset_status([name], [], job)[name]
                raise NotFound(f"preset {name!r} of image {image_id!r} is not ready", status=status)
            return derivative

        derivative = await self._db(lookup)
        try:
            data = await self._services.store.get(derivative.object_key)
        except ObjectNotFound:
            raise NotFound(f"preset {name!r} of image {image_id!r} is missing") from None
        headers = {
            "content-type": _media_type(derivative.format),
            "cache-control": self._settings.server.cache_control,
            "etag": f'"{derivative.object_key.rsplit("/", 1)[-1]}"',
        }
        return Response(b"" if request.method == "HEAD" else data, headers=headers)


def upload_api(services: Services, renderer: Renderer, pool: RenderPool) -> ImagesAPI:
    """Wire the upload API: validation runs in the render pool, jobs dispatch on commit."""
    settings = services.settings
    ingestor = Ingestor(
        settings, services.store, services.sessions, pool.run, lambda: services.dispatch()
    )
    origin = StoreOrigin(services.store, services.sessions, settings.render.max_source_bytes)
    return ImagesAPI(services, ingestor, renderer, origin)


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


async def _json_import(request: Request) -> tuple[str, str | None]:
    try:
        document = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ClientError(f"the body is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ClientError('expected a JSON object like {"url": "https://..."}')
    url, callback = document.get("url"), document.get("callback_url")
    if not isinstance(url, str) or not url:
        raise ClientError('missing field "url" (a string)', field="url")
    if callback is not None and not isinstance(callback, str):
        raise ClientError('field "callback_url" must be a string', field="callback_url")
    return url, callback


async def _form_file(request: Request, callback: str | None) -> tuple[bytes, str | None]:
    async with request.form(max_files=1, max_fields=8) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ClientError('missing form field "file" (the image)', field="file")
        field = form.get("callback_url")
        if isinstance(field, str) and field:
            callback = field
        return await upload.read(), callback


def _page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ClientError(f"limit must be a whole number from 1 to {MAX_PAGE}", given=raw)
    return int(raw)


def _encode_cursor(image: Image) -> str:
    raw = json.dumps([image.created_at.isoformat(), image.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(raw: str | None) -> tuple[dt.datetime, str] | None:
    if raw is None:
        return None
    try:
        created, image_id = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        moment = dt.datetime.fromisoformat(created)
        if not isinstance(image_id, str) or moment.tzinfo is None:
            raise ValueError(raw)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ClientError("cursor is not one this server gave out", given=raw) from None
    return moment, image_id


def _media_type(fmt: str) -> str:
    try:
        return Format(fmt).media_type
    except ValueError:
        return "application/octet-stream"
