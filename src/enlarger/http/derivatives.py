"""The render routes of uploaded images: ``/i/{id}`` renders the original like a
web-folder image; ``/i/{id}/{preset}`` serves the stored derivative and is 404 (with the
preset's status) until it exists.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from enlarger.catalog.derivatives import get_derivative
from enlarger.catalog.images import get_image
from enlarger.catalog.models import Derivative
from enlarger.catalog.types import Session
from enlarger.errors import NotFound, clipped
from enlarger.http.render import Renderer
from enlarger.http.sessions import in_session
from enlarger.ingest.image_views import latest_convert_job, preset_status
from enlarger.origins.store import StoreOrigin
from enlarger.services import Services
from enlarger.spec.model import Format
from enlarger.storage.protocol import ObjectNotFound


class DerivativeRoutes:
    def __init__(self, services: Services, renderer: Renderer) -> None:
        self._services = services
        self._settings = services.settings
        self._renderer = renderer
        self._origin = StoreOrigin(
            services.store, services.sessions, self._settings.render.max_source_bytes
        )

    def routes(self) -> list[Route]:
        return [
            Route("/i/{image_id}", self.render, methods=["GET", "HEAD"]),
            Route("/i/{image_id}/{preset}", self.preset, methods=["GET", "HEAD"]),
        ]

    async def render(self, request: Request) -> Response:
        return await self._renderer.respond(request, self._origin, prefix="i/")

    async def preset(self, request: Request) -> Response:
        image_id, name = request.path_params["image_id"], request.path_params["preset"]
        spec = self._services.preset_specs.get(name)
        if spec is None:
            raise NotFound(
                f"no preset named {clipped(name)!r}", presets=sorted(self._settings.presets)
            )

        def lookup(session: Session) -> Derivative:
            image = get_image(session, image_id)
            if image is None:
                raise NotFound(f"no image with id {clipped(image_id)!r}", id=clipped(image_id))
            derivative = get_derivative(session, image.id, name)
            found = [] if derivative is None else [derivative]
            status = preset_status({name: spec}, found, latest_convert_job(session, image.id))
            if derivative is None or status[name] != "ready":  # missing, or an older spec
                raise NotFound(
                    f"preset {name!r} of image {image_id!r} is not ready", status=status[name]
                )
            return derivative

        derivative = await in_session(self._services.sessions, lookup)
        try:
            data = await self._services.store.get(derivative.object_key)
        except ObjectNotFound:
            raise NotFound(
                f"preset {clipped(name)!r} of image {clipped(image_id)!r} is missing"
            ) from None
        headers = {
            "content-type": _media_type(derivative.format),
            "cache-control": self._settings.server.cache_control,
            "etag": f'"{derivative.object_key.rsplit("/", 1)[-1]}"',
        }
        return Response(b"" if request.method == "HEAD" else data, headers=headers)


def _media_type(fmt: str) -> str:
    try:
        return Format(fmt).media_type
    except ValueError:
        return "application/octet-stream"
