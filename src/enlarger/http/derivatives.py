"""The render routes of uploaded images: ``/i/{id}`` renders the original like a
web-folder image; ``/i/{id}/{preset}`` serves the stored derivative and is 404 (with the
preset's status) until it exists. An ``auto=format`` preset's derivative is chosen by
``Accept`` among its stored formats, with ``Vary: Accept``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from enlarger.catalog.derivatives import preset_derivatives
from enlarger.catalog.images import get_image
from enlarger.catalog.models import Derivative
from enlarger.catalog.types import Session
from enlarger.errors import NotFound, clipped
from enlarger.http.render import Renderer
from enlarger.http.sessions import in_session
from enlarger.ingest.image_views import latest_convert_job, preset_status
from enlarger.origins.store import StoreOrigin
from enlarger.services import Services
from enlarger.spec.canonical import canonical
from enlarger.spec.model import Format
from enlarger.spec.negotiate import accepted_formats, pick_variant, varies_with_accept
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

        negotiated = varies_with_accept(spec.output)
        accepted = accepted_formats(request.headers.get("accept")) if negotiated else frozenset()

        def lookup(session: Session) -> Derivative:
            image = get_image(session, image_id)
            if image is None:
                raise NotFound(f"no image with id {clipped(image_id)!r}", id=clipped(image_id))
            stored = preset_derivatives(session, image.id, name)
            status = preset_status({name: spec}, stored, latest_convert_job(session, image.id))
            chosen = _variant(stored, canonical(spec), accepted)
            if chosen is None or status[name] != "ready":  # missing, or an older spec
                raise NotFound(
                    f"preset {name!r} of image {clipped(image_id)!r} is not ready",
                    status=status[name],
                )
            return chosen

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
        if negotiated:
            headers["vary"] = "Accept"
        return Response(b"" if request.method == "HEAD" else data, headers=headers)


def _variant(
    stored: list[Derivative], current_spec: str, accepted: frozenset[Format]
) -> Derivative | None:
    """The row of the preset's current spec that answers ``accepted``: its one format, or
    for ``auto=format`` the variant ``pick_variant`` chooses."""
    by_format = {Format(d.format): d for d in stored if d.canonical_spec == current_spec}
    fmt = pick_variant(by_format, accepted) if len(by_format) > 1 else next(iter(by_format), None)
    return None if fmt is None else by_format[fmt]


def _media_type(fmt: str) -> str:
    try:
        return Format(fmt).media_type
    except ValueError:
        return "application/octet-stream"
