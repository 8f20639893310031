"""``enlarger serve`` as a real process: uvicorn on a free port, fetched over TCP."""

from __future__ import annotations

import http.client
import shutil
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import imgix
import pytest

from tests.support.processes import serving, start
from tests.support.render_app import FIXTURES, decoded

KEY = "serve-test-key"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    originals = tmp_path / "originals"
    (originals / "sub dir").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "skimage_rocket.jpg", originals / "sub dir" / "rocket ü.jpg")
    (tmp_path / "secret.jpg").write_bytes((FIXTURES / "skimage_rocket.jpg").read_bytes())
    env = {"ENLARGER_SIGN_KEY": KEY, "ENLARGER_PORT": "8"}  # the option beats the variable
    log = tmp_path / "stderr.log"
    args = ["--originals", str(originals), "--port", "0", "--data-dir", str(tmp_path)]
    with serving(args, env, log) as running:
        assert running.url.startswith("http://127.0.0.1:")
        assert not running.url.endswith(":8")  # --port beat ENLARGER_PORT
        yield running.url
    # uvicorn shuts down gracefully, then re-raises SIGTERM to exit as signalled.
    assert running.process.returncode in (0, -signal.SIGTERM)
    assert "Application shutdown complete." in log.read_text()


def test_serves_signed_renders_over_http(server: str) -> None:
    builder = imgix.UrlBuilder(
        "images.example.com", sign_key=KEY, use_https=False, include_library_param=False
    )
    signed = str(builder.create_url("sub dir/rocket ü.jpg", {"w": 50, "fm": "webp"}))
    response = httpx.get(signed.replace("http://images.example.com", server), timeout=20)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"
    assert decoded(response.content).size == (50, 33)
    unsigned = httpx.get(f"{server}/sub%20dir/rocket%20%C3%BC.jpg?w=50", timeout=20)
    assert unsigned.status_code == 403
    assert unsigned.json()["error"] == "bad_signature"
    assert httpx.get(f"{server}/health", timeout=20).json() == {"status": "ok"}


@pytest.mark.parametrize("raw_path", ["/../secret.jpg", "/%2e%2e/secret.jpg", "/..%2fsecret.jpg"])
def test_traversal_over_a_real_socket_is_404(server: str, raw_path: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    connection.request("GET", raw_path)
    response = connection.getresponse()
    assert response.status in (403, 404)
    assert response.getheader("content-type") == "application/json"
    connection.close()


def test_a_missing_originals_folder_is_a_clear_error(tmp_path: Path) -> None:
    args = ["serve", "--originals", str(tmp_path / "absent"), "--data-dir", str(tmp_path)]
    with start(args, {}, tmp_path / "log").process as process:
        assert process.wait(timeout=30) == 1
        assert process.stdout is not None
        assert process.stdout.read() == ""
    message = (tmp_path / "log").read_text()
    assert f"error: originals folder {tmp_path / 'absent'} is not readable" in message


def test_a_port_out_of_range_is_a_clear_error(tmp_path: Path) -> None:
    args = ["serve", "--data-dir", str(tmp_path)]
    with start(args, {"ENLARGER_PORT": "70000"}, tmp_path / "log").process as process:
        assert process.wait(timeout=30) == 1
    assert "error: port 70000 is out of range (0-65535)" in (tmp_path / "log").read_text()


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["serve", "--port", str(port), "--data-dir", str(tmp_path)]
        with start(args, {}, tmp_path / "log").process as process:
            assert process.wait(timeout=30) == 1
    assert "error: " in (tmp_path / "log").read_text()
    assert "in use" in (tmp_path / "log").read_text()
