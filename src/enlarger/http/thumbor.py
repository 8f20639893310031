"""The thumbor route: ``<thumbor_prefix>/<signature|unsafe>/<options>/<image>``.

One route serves both origins: an image path ``i/<id>`` is an uploaded image (as
``/i/<id>`` is for imgix URLs), any other path a file in the web folder. With the
prefix ``/`` the route is a catch-all and must be mounted last.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from enlarger.http.render import Renderer
from enlarger.origins.base import Origin
from enlarger.origins.store import StoreOrigin
from enlarger.services import Services

UPLOADS = "i/"


def thumbor_routes(
    services: Services, renderer: Renderer, web_folder: Origin | None
) -> list[Route]:
    settings = services.settings
    uploads = StoreOrigin(services.store, services.sessions, settings.render.max_source_bytes)
    origins: list[tuple[str, Origin]] = [(UPLOADS, uploads)]
    if web_folder is not None:
        origins.append(("", web_folder))

    async def endpoint(request: Request) -> Response:
        return await renderer.respond_in(request, origins)

    prefix = settings.thumbor.thumbor_prefix.rstrip("/")
    return [Route(f"{prefix}/{{path:path}}", endpoint, methods=["GET", "HEAD"], name="thumbor")]
