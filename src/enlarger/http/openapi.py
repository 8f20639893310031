"""``GET /openapi.json``: the OpenAPI 3.1 description of the JSON API (``/v1/...``, the
Kraken-compatible routes, health). The document is ``openapi.json`` beside this module,
written by hand and kept true by tests/integration/test_openapi.py (every route described,
real responses valid) and the schemathesis run against a live server."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def openapi_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        files("enlarger.http").joinpath("openapi.json").read_text("utf-8")
    )
    return document


def openapi_routes() -> list[Route]:
    body = openapi_document()

    async def serve(_: Request) -> Response:
        return JSONResponse(body, headers={"cache-control": "public, max-age=300"})

    return [Route("/openapi.json", serve, methods=["GET"])]
