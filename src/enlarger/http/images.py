"""The upload API: ``POST /v1/images``, ``GET /v1/images`` (newest first, by cursor),
``GET /v1/images/{id}`` and ``DELETE /v1/images/{id}``. Every route needs an API key.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from enlarger.catalog.images import PageCursor, delete_image, get_image, newest_images
from enlarger.catalog.models import Image
from enlarger.catalog.types import Session
from enlarger.errors import ClientError, NotFound, clipped
from enlarger.http.auth import Authorize
from enlarger.http.inflight import InFlight
from enlarger.http.json_body import parse_json
from enlarger.http.pool import RenderPool
from enlarger.http.sessions import in_session, in_transaction
from enlarger.http.upload_body import bytes_held, read_upload_body
from enlarger.ingest.image_views import image_json, images_json
from enlarger.ingest.service import Ingested, Ingestor
from enlarger.services import Services
from enlarger.storage.keys import derivatives_prefix

T = TypeVar("T")

DEFAULT_PAGE = 20
MAX_PAGE = 100


class ImagesAPI:
    def __init__(self, services: Services, ingestor: Ingestor, authorize: Authorize) -> None:
        self._services = services
        self._settings = services.settings
        self._ingestor = ingestor
        self._authorize = authorize
        self._uploads = InFlight(self._settings.server.upload_bytes_in_flight, "upload bytes")

    def routes(self) -> list[Route]:
        return [
            Route("/v1/images", self.upload, methods=["POST"]),
            Route("/v1/images", self.list_images, methods=["GET"]),
            Route("/v1/images/{image_id}", self.show, methods=["GET"]),
            Route("/v1/images/{image_id}", self.delete, methods=["DELETE"]),
        ]

    def _public_url(self, request: Request) -> str:
        return self._settings.ingest.public_url or str(request.base_url).rstrip("/")

    async def upload(self, request: Request) -> Response:
        """Admitted by bytes in flight (429 before the body is read), then ingested."""
        await self._authorize(request)
        max_bytes = self._settings.ingest.max_upload_bytes
        with self._uploads.holding(bytes_held(request, max_bytes)):
            body = await read_upload_body(request, max_bytes)
            if body.url is not None:
                ingested = await self._ingestor.from_url(body.url, body.callback_url)
            else:
                ingested = await self._ingestor.from_bytes(body.data or b"", body.callback_url)
        return await self._created(request, ingested)

    async def _created(self, request: Request, ingested: Ingested) -> Response:
        body = await self._image_body(request, ingested.image)
        headers = {"location": f"/v1/images/{ingested.image.id}"}
        return JSONResponse(body, 201 if ingested.created else 200, headers=headers)

    async def _image_body(self, request: Request, image: Image) -> dict[str, Any]:
        public_url = self._public_url(request)
        presets = self._services.preset_specs
        return await self._read(lambda session: image_json(session, image, presets, public_url))

    async def show(self, request: Request) -> Response:
        await self._authorize(request)
        image = await self._existing(request.path_params["image_id"])
        return JSONResponse(await self._image_body(request, image))

    async def _existing(self, image_id: str) -> Image:
        image = await self._read(lambda session: get_image(session, image_id))
        if image is None:
            raise NotFound(f"no image with id {clipped(image_id)!r}", id=clipped(image_id))
        return image

    async def delete(self, request: Request) -> Response:
        """Rows first, then objects: a failure in between leaves orphans, never dangling rows."""
        await self._authorize(request)
        image = await self._existing(request.path_params["image_id"])
        await in_transaction(self._services.sessions, lambda s: delete_image(s, image.id))
        store = self._services.store
        await store.delete(image.original_key)
        await store.delete_prefix(derivatives_prefix(image.sha256))
        return Response(status_code=204)

    async def list_images(self, request: Request) -> Response:
        """One page in a fixed number of queries, however many images it holds."""
        await self._authorize(request)
        limit = _page_size(request.query_params.get("limit"))
        after = _decode_cursor(request.query_params.get("cursor"))
        public_url = self._public_url(request)
        presets = self._services.preset_specs

        def page(session: Session) -> dict[str, Any]:
            rows = newest_images(session, limit + 1, after)
            shown = rows[:limit]
            cursor = _encode_cursor(shown[-1]) if len(rows) > limit else None
            return {
                "items": images_json(session, shown, presets, public_url),
                "next_cursor": cursor,
            }

        return JSONResponse(await self._read(page))

    async def _read(self, work: Callable[[Session], T]) -> T:
        return await in_session(self._services.sessions, work)


def upload_api(
    services: Services, pool: RenderPool, authorize: Authorize, dispatch: Callable[[], None]
) -> ImagesAPI:
    """Wire the upload API: validation runs in the render pool, ``dispatch`` wakes the job
    engine after an upload's job commits."""
    ingestor = Ingestor(services.settings, services.store, services.sessions, pool.run, dispatch)
    return ImagesAPI(services, ingestor, authorize)


def _page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ClientError(f"limit must be a whole number from 1 to {MAX_PAGE}", given=clipped(raw))
    return int(raw)


def _encode_cursor(image: Image) -> str:
    raw = json.dumps([image.created_at.isoformat(), image.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(raw: str | None) -> PageCursor | None:
    if raw is None:
        return None
    try:
        created, image_id = parse_json(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        moment = dt.datetime.fromisoformat(created)
        if not isinstance(image_id, str) or moment.tzinfo is None:
            raise ValueError(raw)
        moment.astimezone(dt.UTC)  # the catalog compares in UTC: a date it cannot shift is bad
    except (ValueError, TypeError, OverflowError, binascii.Error, ClientError):
        raise ClientError("cursor is not one this server gave out", given=clipped(raw)) from None
    return moment, image_id
