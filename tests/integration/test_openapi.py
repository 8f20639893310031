"""``/openapi.json`` stays true: it describes every JSON route the app has (and no other),
and real responses of each kind are valid against its schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from starlette.routing import Route

from enlarger.http.openapi import openapi_document
from tests.support.render_app import make_app
from tests.support.uploads import UploadApp, encoded

pytestmark = pytest.mark.anyio

#: routes that answer images or text, not JSON: described in docs/, not in the document.
NOT_JSON_API = ("/i/", "/thumbor/", "/metrics", "/{path:path}", "/photos/")


def _app_operations(tmp_path: Path) -> set[tuple[str, str]]:
    app = make_app(None, tmp_path / "data")
    operations = set()
    for route in app.routes:
        assert isinstance(route, Route), route
        if route.path.startswith(NOT_JSON_API) or route.path in NOT_JSON_API:
            continue
        for method in route.methods or ():
            if method != "HEAD":  # Starlette adds it to every GET
                operations.add((route.path, method.lower()))
    return operations


def test_every_json_route_is_described_and_nothing_else(tmp_path: Path) -> None:
    document = openapi_document()
    described = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert described == _app_operations(tmp_path)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                assert operation["responses"], (path, method)
                assert operation["operationId"], (path, method)


def _valid(body: Any, schema_name: str) -> None:
    document = openapi_document()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document["components"],
        "$ref": f"#/components/schemas/{schema_name}",
    }
    errors = [error.message for error in jsonschema_rs.validator_for(schema).iter_errors(body)]
    assert errors == [], body


async def test_real_responses_match_their_schemas(uploads: UploadApp) -> None:
    served = await uploads.client.get("/openapi.json")
    assert served.status_code == 200
    assert served.json() == openapi_document()

    created = await uploads.client.post("/v1/images", content=encoded(colour=(3, 4, 5)))
    assert created.status_code == 201
    _valid(created.json(), "Image")
    again = await uploads.client.post("/v1/images", content=encoded(colour=(3, 4, 5)))
    assert again.status_code == 200
    _valid(again.json(), "Image")
    page = await uploads.client.get("/v1/images", params={"limit": 1})
    _valid(page.json(), "ImagePage")
    job = await uploads.client.get(f"/v1/jobs/{created.json()['job_id']}")
    assert job.status_code == 200
    _valid(job.json(), "Job")
    missing = await uploads.client.get("/v1/images/nope")
    assert missing.status_code == 404
    _valid(missing.json(), "Error")
    refused = await uploads.client.post("/kraken/user_status", json={"auth": {}})
    assert refused.status_code == 401
    _valid(refused.json(), "KrakenError")


async def test_a_405_names_every_method_of_its_path(uploads: UploadApp) -> None:
    """Starlette named only the first route of a path (``Allow: POST`` on /v1/images)."""
    for path, allowed in (
        ("/v1/images", {"GET", "HEAD", "POST"}),
        ("/v1/images/abc", {"DELETE", "GET", "HEAD"}),
    ):
        response = await uploads.client.patch(path)
        assert response.status_code == 405
        assert set(response.headers["allow"].split(", ")) == allowed
        assert response.json()["error"] == "method_not_allowed"
