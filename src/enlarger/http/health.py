"""``/health`` (the process answers) and ``/ready`` (libvips renders in the pool)."""

from __future__ import annotations

import struct
import zlib

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from enlarger.errors import EnlargerError
from enlarger.http.errors import error_response, log
from enlarger.http.pool import RenderPool
from enlarger.imaging import RenderOptions, render
from enlarger.spec.model import Extent, Format, Geometry, Output, RenderSpec

_PROBE_SPEC = RenderSpec(geometry=Geometry(w=Extent(1)), output=Output(fm=Format.PNG))


def tiny_png() -> bytes:
    """A 2x2 grey PNG, built without any image library."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)  # 2x2, 8-bit greyscale
    rows = b"\x00\x80\x80" * 2  # each row: filter byte 0, two grey pixels
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def health_routes(pool: RenderPool, options: RenderOptions) -> list[Route]:
    probe_image = tiny_png()

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"}, headers={"cache-control": "no-store"})

    async def ready(_: Request) -> Response:
        try:
            rendered = await pool.run(
                lambda: render(probe_image, _PROBE_SPEC, frozenset({Format.PNG}), options)
            )
        except Exception as exc:
            if not isinstance(exc, EnlargerError):
                log.exception("readiness_render_failed")
            message = exc.message if isinstance(exc, EnlargerError) else "libvips could not render"
            failure = {"error": "not_ready", "message": message}
            return error_response(503, failure, {"retry-after": "1"})
        ready_body = {"status": "ready", "probe": [rendered.width, rendered.height]}
        return JSONResponse(ready_body, headers={"cache-control": "no-store"})

    return [Route("/health", health, methods=["GET", "HEAD"]), Route("/ready", ready)]
