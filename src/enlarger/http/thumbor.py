"""The thumbor route: ``<thumbor_prefix>/<signature|unsafe>/<options>/<image>``.

One route serves every origin: an image path ``i/<id>`` is an uploaded image (as
``/i/<id>`` is for imgix URLs), any other path goes to the origin mounted at its start
(``[[origins]]``) or the web folder. With the
prefix ``/`` the route is a catch-all and must be mounted last.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from enlarger.http.render import Renderer
from enlarger.origins.base import Origin
from enlarger.origins.mounts import Mounts
from enlarger.settings import Settings

UPLOADS = "i/"


def thumbor_routes(
    settings: Settings, renderer: Renderer, uploads: Origin, mounts: Mounts
) -> list[Route]:
    """The thumbor route over ``i/<id>`` (``uploads``) and every mounted origin."""
    origins = [(UPLOADS, uploads), *mounts]

    async def endpoint(request: Request) -> Response:
        return await renderer.respond_in(request, origins)

    prefix = settings.thumbor.thumbor_prefix.rstrip("/")
    return [Route(f"{prefix}/{{path:path}}", endpoint, methods=["GET", "HEAD"], name="thumbor")]
