"""Kraken's own Python client (``krakenio``) against a live ``enlarger serve``.

The client is used exactly as Kraken's users use it; only its base URL changes. A
loopback receiver stands in for the callback URL. Results are checked by decoding
them: lossless output keeps every pixel, resizes have the asked size.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
from PIL import Image

from enlarger.webhooks.signing import SIGNATURE_HEADER, verify
from tests.support.kraken import FIXTURES, KEY_NAME, SECRET, kraken_client, kraken_env
from tests.support.processes import Running, run_cli, serving, working
from tests.support.uploads import LocalServer, local_server, send

__all__ = ["local_server"]

pytestmark = pytest.mark.slow

PHOTO = FIXTURES / "skimage_rocket.jpg"
RGBA_PNG = FIXTURES / "plasma_icecold_rgba_320.png"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Running, str]]:
    data_dir = tmp_path_factory.mktemp("kraken")
    env = kraken_env(data_dir)
    key = run_cli(["keys", "create", KEY_NAME], env).strip()
    with serving(["--port", "0"], env, data_dir / "serve.log") as server:
        yield server, key


def pixels(data: bytes) -> Any:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGBA"))


def size_of(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def fetched(url: str) -> bytes:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, response.text
    return response.content


def test_lossless_upload_keeps_every_pixel(live: tuple[Running, str]) -> None:
    server, key = live
    result = kraken_client(server, key).upload(str(RGBA_PNG), {"wait": True})
    assert result["success"] is True
    assert result["original_size"] == RGBA_PNG.stat().st_size
    assert result["kraked_size"] == result["original_size"] - result["saved_bytes"]
    assert result["format"] == "png"
    assert result["file_name"] == "plasma_icecold_rgba_320.png"
    out = fetched(result["kraked_url"])
    assert len(out) == result["kraked_size"] <= result["original_size"]
    assert np.array_equal(pixels(out), pixels(RGBA_PNG.read_bytes()))
    assert (result["kraked_width"], result["kraked_height"]) == size_of(RGBA_PNG)


def test_lossy_url_with_conversion(live: tuple[Running, str]) -> None:
    server, key = live
    params = {"wait": True, "lossy": True, "convert": {"format": "webp"}}
    result = kraken_client(server, key).url(f"{server.url}/{PHOTO.name}", params)
    assert result["success"] is True
    assert result["format"] == "webp"
    assert result["file_name"] == "skimage_rocket.webp"
    assert result["met_target"] == (result["score"] >= 90.0)  # visually lossless target
    assert result["score"] > 80.0
    out = fetched(result["kraked_url"])
    assert out[8:12] == b"WEBP"
    assert len(out) == result["kraked_size"]
    assert Image.open(io.BytesIO(out)).size == size_of(PHOTO)


def test_resize_set_has_results_by_id(live: tuple[Running, str]) -> None:
    server, key = live
    params = {
        "wait": True,
        "resize": [
            {"id": "small", "strategy": "exact", "width": 100, "height": 75},
            {"id": "square", "strategy": "square", "size": 64},
            {"id": "wide", "strategy": "landscape", "width": 200},
            {"id": "box", "strategy": "fill", "width": 120, "height": 120, "background": "#ff0000"},
        ],
    }
    result = kraken_client(server, key).upload(str(PHOTO), params)
    assert result["success"] is True
    results = result["results"]
    width, height = size_of(PHOTO)
    expected = {
        "small": (100, 75),
        "square": (64, 64),
        "wide": (200, round(height * 200 / width)),
        "box": (120, 120),
    }
    for ident, size in expected.items():
        entry = results[ident]
        image = Image.open(io.BytesIO(fetched(entry["kraked_url"])))
        assert image.format == "JPEG", ident
        assert image.size == size, ident
        assert (entry["kraked_width"], entry["kraked_height"]) == size
    box = np.asarray(Image.open(io.BytesIO(fetched(results["box"]["kraked_url"]))).convert("RGB"))
    assert box[0, 0].tolist()[0] > 200
    assert box[0, 0].tolist()[1] < 60


def _callback_posts(local_server: LocalServer, path: str) -> list[tuple[dict[str, str], bytes]]:
    return [(headers, body) for p, headers, body in local_server.requests if p == path]


def _wait_posts(local_server: LocalServer, path: str, timeout_s: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        posts = _callback_posts(local_server, path)
        if posts:
            headers, body = posts[-1]
            assert verify(SECRET, headers[SIGNATURE_HEADER], body, now=int(time.time()))
            answer: dict[str, Any] = json.loads(body)
            return answer
        time.sleep(0.1)
    pytest.fail(f"no callback to {path} within {timeout_s}s")


def test_callback_answers_at_once_then_posts_the_result(
    live: tuple[Running, str], local_server: LocalServer
) -> None:
    server, key = live
    local_server.routes["/done"] = send(204)
    params = {"callback_url": local_server.url("/done"), "lossy": True}
    accepted = kraken_client(server, key).upload(str(PHOTO), params)
    assert accepted["success"] is True
    assert set(accepted) == {"success", "id"}
    answer = _wait_posts(local_server, "/done")
    assert answer["id"] == accepted["id"]
    assert answer["success"] is True
    assert answer["kraked_size"] < answer["original_size"]
    assert Image.open(io.BytesIO(fetched(answer["kraked_url"]))).format == "JPEG"


def test_user_status_counts_this_month(live: tuple[Running, str]) -> None:
    server, key = live
    client = kraken_client(server, key)
    before = client.user_status()
    client.upload(str(RGBA_PNG), {"wait": True})
    after = client.user_status()
    assert after["success"] is True
    assert after["active"] is True
    assert after["quota_used"] - before["quota_used"] == RGBA_PNG.stat().st_size
    assert after["requests"] == before["requests"] + 1
    assert after["quota_total"] is None
    assert after["quota_remaining"] is None


@pytest.mark.parametrize(
    ("params", "status", "needle"),
    [
        ({"wait": True, "lossy": "yes"}, 400, "lossy"),
        ({"wait": True, "frobnicate": 1}, 400, "frobnicate"),
        ({"lossy": True}, 400, "wait"),
        (
            {"wait": True, "resize": [{"id": "a", "strategy": "landscape", "width": 9}] * 2},
            400,
            "unique",
        ),
        ({"wait": True, "resize": {"strategy": "crop", "width": 10}}, 400, "height"),
    ],
)
def test_bad_options_get_kraken_errors(
    live: tuple[Running, str], params: dict[str, Any], status: int, needle: str
) -> None:
    server, key = live
    body = {**params, "auth": {"api_key": KEY_NAME, "api_secret": key}}
    with PHOTO.open("rb") as file:
        response = requests.post(
            f"{server.url}/kraken/v1/upload",
            files={"file": file},
            data={"data": json.dumps(body)},
            timeout=30,
        )
    assert response.status_code == status
    answer = response.json()
    assert answer["success"] is False
    assert needle in answer["message"]


def test_bad_auth_and_bad_image(live: tuple[Running, str]) -> None:
    server, key = live
    wrong_name = kraken_client(server, key, "someone-else")
    with pytest.raises(requests.HTTPError) as failed:
        wrong_name.user_status()
    refused = failed.value.response
    assert refused is not None
    assert refused.status_code == 403
    assert refused.json()["success"] is False
    response = requests.post(
        f"{server.url}/kraken/v1/upload",
        files={"file": ("x.jpg", b"not an image")},
        data={"data": json.dumps({"wait": True, "auth": {"api_key": KEY_NAME, "api_secret": key}})},
        timeout=30,
    )
    assert response.status_code == 422
    assert response.json()["success"] is False


def test_v1_optimize_is_the_same_service(live: tuple[Running, str]) -> None:
    server, key = live
    response = requests.post(
        f"{server.url}/v1/optimize",
        headers={"authorization": f"Bearer {key}"},
        json={"wait": True, "url": f"{server.url}/{RGBA_PNG.name}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert np.array_equal(
        pixels(fetched(response.json()["kraked_url"])), pixels(RGBA_PNG.read_bytes())
    )


def test_monthly_quota_answers_429(live: tuple[Running, str]) -> None:
    server, _ = live
    env = kraken_env(Path(server.log).parent)
    small = run_cli(["keys", "create", "small-plan"], env).strip()
    run_cli(["keys", "quota", small.split("_")[1], "1000"], env)
    client = kraken_client(server, small, "small-plan")
    with pytest.raises(requests.HTTPError) as failed:
        client.upload(str(RGBA_PNG), {"wait": True})
    refused = failed.value.response
    assert refused is not None
    assert refused.status_code == 429
    assert refused.json()["success"] is False
    status = client.user_status()
    assert (status["quota_total"], status["quota_used"], status["quota_remaining"]) == (
        1000,
        0,
        1000,
    )


def test_expired_results_are_gone(tmp_path: Path) -> None:
    env = kraken_env(tmp_path, ENLARGER_RESULT_TTL_S="2")
    key = run_cli(["keys", "create", KEY_NAME], env).strip()
    with serving(["--port", "0"], env, tmp_path / "serve.log") as server:
        result = kraken_client(server, key).upload(str(RGBA_PNG), {"wait": True})
        url = result["kraked_url"]
        stored = tmp_path / "objects" / "optimize" / "results" / result["id"]
        assert any(stored.iterdir())
        deadline = time.monotonic() + 20
        while requests.get(url, timeout=10).status_code == 200:
            assert time.monotonic() < deadline, "the result did not expire"
            time.sleep(0.2)
        assert requests.get(url, timeout=10).status_code == 410
        deadline = time.monotonic() + 20
        while stored.exists() and any(stored.iterdir()):
            assert time.monotonic() < deadline, "the sweeper left the files"
            time.sleep(0.2)
        missing = url.replace(result["id"], "nosuchid")
        assert requests.get(missing, timeout=10).status_code == 404


def test_accepted_callback_survives_a_killed_server(
    tmp_path: Path, local_server: LocalServer
) -> None:
    """Accepted by a server without a worker, which is then SIGKILLed: a worker started
    later finds the job and the receiver gets the answer."""
    local_server.routes["/later"] = send(204)
    env = kraken_env(tmp_path)
    key = run_cli(["keys", "create", KEY_NAME], env).strip()
    serve_env = {**env, "ENLARGER_EMBEDDED_WORKER": "false"}
    with serving(["--port", "0"], serve_env, tmp_path / "serve.log") as server:
        params = {"callback_url": local_server.url("/later"), "lossy": True}
        accepted = kraken_client(server, key).upload(str(PHOTO), params)
        server.kill()
    assert not _callback_posts(local_server, "/later")
    with working([], env, tmp_path / "worker.log"):
        answer = _wait_posts(local_server, "/later")
    assert answer["id"] == accepted["id"]
    assert answer["success"] is True
