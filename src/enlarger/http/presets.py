"""``GET /v1/presets``: the configured presets, each with its imgix query and the
canonical spec its derivatives are made from."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from enlarger.http.auth import Authorize
from enlarger.presets import PresetSpecs
from enlarger.spec.canonical import canonical


def preset_routes(
    queries: Mapping[str, str], specs: PresetSpecs, authorize: Authorize
) -> list[Route]:
    body = {
        "items": [
            {"name": name, "query": query, "spec": canonical(specs[name])}
            for name, query in queries.items()
        ]
    }

    async def list_presets(request: Request) -> Response:
        await authorize(request)
        return JSONResponse(body)

    return [Route("/v1/presets", list_presets, methods=["GET"])]
