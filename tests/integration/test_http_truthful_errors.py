"""Limits that protect and errors that tell the truth: what a client can ask that the
server refuses, and what the refusal says."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from enlarger.imaging import writable_formats
from enlarger.spec.model import Format
from tests.support.render_app import client_for, decoded, error_of, make_app
from tests.support.uploads import UploadApp, encoded

pytestmark = pytest.mark.anyio


async def test_an_absurd_upscale_is_a_400_before_any_work(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        started = time.monotonic()
        response = await client.get("/rocket.jpg?w=8192&h=8192&fit=scale")
        took = time.monotonic() - started
    assert response.status_code == 400
    assert error_of(response)["error"] == "output_too_large"
    assert error_of(response)["max_output_pixels"] == 40_000_000
    assert "retry-after" not in response.headers
    assert took < 2


@pytest.mark.parametrize(
    ("query", "parameter"), [("rect=700,500,10,10", "rect"), ("w=2&dpr=0.2", "dpr")]
)
async def test_a_request_for_nothing_is_a_400_not_a_1x1_image(
    originals: Path, query: str, parameter: str
) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get(f"/rocket.jpg?{query}")
    assert response.status_code == 400
    assert error_of(response)["parameter"] == parameter


async def test_the_formats_an_error_offers_are_the_ones_this_server_writes(
    originals: Path,
) -> None:
    writable = [f.value for f in Format if f in writable_formats()]
    async with client_for(make_app(originals)) as client:
        response = await client.get("/rocket.jpg?fm=tiff")
    expected = error_of(response)["expected"]
    offered = expected.removeprefix("a format this server writes: one of ").split(" (")[0]
    assert offered.split(", ") == writable


async def test_a_render_that_runs_past_its_deadline_has_no_retry_after(originals: Path) -> None:
    app = make_app(originals, deadline_s=0.05)
    async with client_for(app) as client:
        response = await client.get("/rocket.jpg?w=2700&h=1800&fit=scale&fm=avif")
    assert response.status_code == 503
    assert error_of(response)["error"] == "deadline_exceeded"
    assert "retry-after" not in response.headers
    assert "retry_after" not in error_of(response)


async def test_unknown_parameters_are_a_400_by_default(originals: Path) -> None:
    async with client_for(make_app(originals)) as client:
        response = await client.get("/rocket.jpg?w=100&face-blur=1")
    assert response.status_code == 400
    assert error_of(response)["parameter"] == "face-blur"


async def test_ignored_unknown_parameters_are_named_in_a_header(originals: Path) -> None:
    app = make_app(originals, unknown_params="ignore")
    async with client_for(app) as client:
        response = await client.get("/rocket.jpg?w=100&face-blur=1&face-pixel=2&fm=png")
        bad_value = await client.get("/rocket.jpg?w=huge&face-blur=1")
        clean = await client.get("/rocket.jpg?w=100")
    assert response.status_code == 200
    assert decoded(response.content).size == (100, 67)
    assert response.headers["enlarger-ignored-params"] == "face-blur, face-pixel"
    assert bad_value.status_code == 400  # a known parameter's bad value is still an error
    assert "enlarger-ignored-params" not in clean.headers


async def test_a_callback_url_that_does_not_resolve_is_an_error_about_the_callback(
    uploads: UploadApp,
) -> None:
    hook = "https://no-such-host.invalid/hook"
    response = await uploads.client.post(
        "/v1/images", content=encoded(colour=(1, 2, 3)), params={"callback_url": hook}
    )
    assert response.status_code == 400
    body = error_of(response)
    assert body["error"] == "invalid_callback_url"
    assert body["field"] == "callback_url"
    assert "no-such-host.invalid" in body["message"]
