"""Every error is a JSON body with the right status, never cached; bugs are logged 500s."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import httpx
import pytest
import structlog
from starlette.types import Receive, Scope, Send

from enlarger.http.errors import UnexpectedErrors
from tests.support.render_app import asgi_get, client_for, error_of, make_app

pytestmark = pytest.mark.anyio


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG that declares a huge size in a few bytes: a decompression bomb's header."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    pixels = chunk(b"IDAT", zlib.compress(bytes(1024)))
    return b"\x89PNG\r\n\x1a\n" + header + pixels + chunk(b"IEND", b"")


async def test_a_bad_parameter_is_400_naming_it(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get("/rocket.jpg?w=wide")
    assert response.status_code == 400
    body = error_of(response)
    assert (body["error"], body["parameter"], body["given"]) == ("invalid_parameter", "w", "wide")


async def test_a_query_that_is_not_utf8_is_400(originals: Path) -> None:
    response = await asgi_get(make_app(originals), b"/rocket.jpg", query=b"dl=\xff")
    assert response.status_code == 400
    assert error_of(response)["error"] == "bad_request"


HUGE = "9" * 309  # past the largest float: 1e309 overflows where it is turned into one


@pytest.mark.parametrize(
    "param",
    ["w", "h", "min-w", "min-h", "max-w", "max-h", "dpr", "q", "fp-x", "fp-y", "fp-z", "rot"],
)
async def test_a_huge_number_in_a_bounded_parameter_is_400(originals: Path, param: str) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get(f"/rocket.jpg?{param}={HUGE}")
    assert response.status_code == 400, response.text
    assert error_of(response)["parameter"] == param


async def test_a_huge_rect_is_clipped_to_the_image(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get(f"/rocket.jpg?rect=0,0,{HUGE},{HUGE}&fm=png")
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("rect", [f"{HUGE},0,10,10", f"0,{HUGE},10,10"])
async def test_a_huge_rect_start_is_outside_the_image(originals: Path, rect: str) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get(f"/rocket.jpg?rect={rect}&fm=png")
    assert response.status_code == 400, response.text
    assert error_of(response)["parameter"] == "rect"


async def test_a_missing_source_is_404(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get("/nothing-here.jpg?w=10")
        folder = await client.get("/sub%20dir")
    for result in (response, folder):
        assert result.status_code == 404
        assert error_of(result)["error"] == "not_found"


async def test_unknown_routes_and_methods_are_json(tmp_path: Path) -> None:
    async with client_for(make_app(None, tmp_path)) as client:
        unknown = await client.get("/rocket.jpg")
        wrong_method = await client.post("/health")
    assert unknown.status_code == 404
    assert error_of(unknown)["error"] == "not_found"
    assert wrong_method.status_code == 405
    assert error_of(wrong_method)["error"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["allow"]


async def test_posting_to_a_render_url_is_405(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.post("/rocket.jpg", content=b"x")
    assert response.status_code == 405
    assert error_of(response)["error"] == "method_not_allowed"


async def test_a_source_over_the_byte_limit_is_413_before_it_is_read(originals: Path) -> None:
    size = (originals / "rocket.jpg").stat().st_size
    async with client_for(make_app(originals, max_source_bytes=size - 1)) as client:
        response = await client.get("/rocket.jpg?w=10")
        head = await client.head("/rocket.jpg?w=10")
    assert response.status_code == 413
    assert head.status_code == 413
    body = error_of(response)
    assert (body["error"], body["limit"]) == ("payload_too_large", size - 1)


async def test_a_source_with_too_many_pixels_is_422(originals: Path) -> None:
    (originals / "bomb.png").write_bytes(png_header_claiming(60_000, 60_000))
    async with client_for(make_app(originals, max_source_pixels=100_000)) as client:
        bomb = await client.get("/bomb.png?w=10")
        photo = await client.get("/rocket.jpg?w=10")
    for response in (bomb, photo):
        assert response.status_code == 422
        assert error_of(response)["error"] == "too_many_pixels"


async def test_a_file_that_is_not_an_image_is_422(originals: Path) -> None:
    (originals / "notes.jpg").write_text("not a jpeg at all", encoding="utf-8")
    async with client_for(make_app(originals)) as client:
        response = await client.get("/notes.jpg?w=10")
    assert response.status_code == 422
    assert error_of(response)["error"] == "unprocessable_image"


async def test_an_unexpected_exception_is_a_logged_json_500() -> None:
    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("a bug")

    transport = httpx.ASGITransport(app=UnexpectedErrors(broken))
    with structlog.testing.capture_logs() as logs:
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            response = await client.get("/anything")
    assert response.status_code == 500
    assert error_of(response) == {"error": "internal_error", "message": "internal server error"}
    assert [entry["event"] for entry in logs] == ["unhandled_error"]
    assert logs[0]["path"] == "/anything"
