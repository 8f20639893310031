"""Client input that used to reach a 500, or bloat an error body, on the JSON API.

Nested JSON overflowed the decoder's recursion (``RecursionError``), a cursor with a date
that cannot move to UTC overflowed (``OverflowError``) and a long value came back whole
in the error body. Each must be a 4xx whose JSON body names the problem and stays small.
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from enlarger.errors import MAX_ERROR_TEXT, QUOTED_CHARS
from enlarger.http.json_body import MAX_JSON_DEPTH, nesting_depth, parse_json
from tests.support.uploads import UploadApp

pytestmark = pytest.mark.anyio

DEEP = b"[" * 20_000 + b"]" * 20_000
DEEP_OBJECT = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
JSON_ROUTES = ["/v1/images", "/v1/purge", "/v1/optimize", "/kraken/v1/url", "/kraken/user_status"]


def _bad_request(response: httpx.Response) -> dict[str, object]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, object] = response.json()
    assert isinstance(body["message"], str)
    return body


@pytest.mark.parametrize("route", JSON_ROUTES)
@pytest.mark.parametrize("document", [DEEP, DEEP_OBJECT], ids=["arrays", "objects"])
async def test_deep_json_is_a_400_on_every_json_route(
    uploads: UploadApp, route: str, document: bytes
) -> None:
    response = await uploads.client.post(
        route, content=document, headers={"content-type": "application/json"}
    )
    body = _bad_request(response)
    assert f"deeper than {MAX_JSON_DEPTH}" in str(body["message"])


async def test_deep_json_in_the_kraken_form_field_is_a_400(uploads: UploadApp) -> None:
    files = {"file": ("a.png", b"\x89PNG")}
    response = await uploads.client.post(
        "/kraken/v1/upload", files=files, data={"data": DEEP.decode()}
    )
    body = _bad_request(response)
    assert "deeper than" in str(body["message"])


@pytest.mark.parametrize(
    "created",
    [
        "0001-01-01T00:00:00+01:00",  # an hour before year 1 in UTC
        "9999-12-31T23:30:00-01:00",  # past year 9999 in UTC
    ],
)
async def test_a_cursor_whose_date_leaves_the_calendar_is_a_400(
    uploads: UploadApp, created: str
) -> None:
    cursor = base64.urlsafe_b64encode(json.dumps([created, "x"]).encode()).decode()
    response = await uploads.client.get("/v1/images", params={"cursor": cursor})
    body = _bad_request(response)
    assert body["message"] == "cursor is not one this server gave out"


async def test_a_deeply_nested_cursor_is_a_400(uploads: UploadApp) -> None:
    cursor = base64.urlsafe_b64encode(DEEP).decode()
    response = await uploads.client.get("/v1/images", params={"cursor": cursor})
    _bad_request(response)


async def test_error_bodies_quote_a_short_prefix_of_a_huge_value(uploads: UploadApp) -> None:
    huge = "x" * 10_000
    response = await uploads.client.get(f"/v1/images/{huge}")
    assert response.status_code == 404
    body = response.json()
    assert len(response.content) < 2 * QUOTED_CHARS + 200
    assert body["id"] == "x" * (QUOTED_CHARS - 3) + "..."
    cursor = await uploads.client.get("/v1/images", params={"cursor": huge})
    assert len(_bad_request(cursor)["given"]) == QUOTED_CHARS  # type: ignore[arg-type]


async def test_an_imgix_error_quotes_a_short_prefix(uploads: UploadApp) -> None:
    """The finding: a 10 KB ``w64`` value came back in an 82 KB error body."""
    response = await uploads.client.get("/i/nope", params={"w64": "A" * 10_000})
    assert response.status_code in (400, 404)
    assert len(response.content) < MAX_ERROR_TEXT


def test_nesting_depth_skips_brackets_inside_strings() -> None:
    assert nesting_depth('{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert nesting_depth(r'["\"[[[", []]') == 2
    assert nesting_depth("") == 0
    assert parse_json('["' + "[" * 40 + '"]') == ["[" * 40]
    assert parse_json(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH) is not None
