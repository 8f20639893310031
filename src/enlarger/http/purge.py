"""``POST /v1/purge``: forget every cached result of one source, on every node.

The body names the source by the URL that renders it (``{"url": "/photos/a.jpg"}``; a
full URL or one with a query works too, only its path counts) or, for an upload, by its
id (``{"image_id": "..."}``, the same as ``{"url": "/i/<id>"}``).
"""

from __future__ import annotations

import json
from urllib.parse import unquote, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from enlarger.cache import LayeredResults
from enlarger.errors import InvalidParameter
from enlarger.http.auth import Authorize
from enlarger.http.json_body import read_json

EXPECTED = 'a JSON object {"url": "/path/of/source"} or {"image_id": "..."}'
MAX_NAME = 4096


def purge_routes(results: LayeredResults, authorize: Authorize) -> list[Route]:
    async def purge(request: Request) -> Response:
        await authorize(request)
        source = source_named(await read_json(request))
        await results.purge(source)
        return JSONResponse({"purged": source})

    return [Route("/v1/purge", purge, methods=["POST"])]


def source_named(fields: object) -> str:
    """The source's name in the result cache (its path as the render route sees it), from
    the body's JSON value."""
    if isinstance(fields, dict) and len(fields) == 1:
        ((name, value),) = fields.items()
        if isinstance(value, str) and 0 < len(value) <= MAX_NAME:
            if name == "url":
                path = unquote(urlsplit(value).path).lstrip("/")
                if path:
                    return path
            elif name == "image_id" and "/" not in value:
                return f"i/{value}"
    raise InvalidParameter("body", EXPECTED, json.dumps(fields))
