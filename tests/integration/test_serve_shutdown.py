"""SIGTERM on a real ``enlarger serve``: it stops accepting at once, finishes the requests in
flight within ``shutdown_grace_s`` and exits 0; past the grace period it stops anyway.

The render in flight waits on a slow web origin (``/slow/`` holds each answer), so the test
knows the request is under way when it sends the signal, whatever the machine's speed; the
render itself then runs after the signal."""

from __future__ import annotations

import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.support.images import fixture
from tests.support.origin_server import WebOriginServer
from tests.support.polling import wait_until
from tests.support.processes import Running, start, wait_announced
from tests.support.render_app import decoded

pytestmark = pytest.mark.slow

SOURCE = "/slow/photos/rocket.jpg"
RENDER = f"{SOURCE}?w=120&fm=png"


def serve_behind_slow_origin(tmp_path: Path, origin: WebOriginServer, grace_s: int) -> Running:
    origin.files["/photos/rocket.jpg"] = fixture("skimage_rocket.jpg")
    config = tmp_path / "enlarger.toml"
    config.write_text(
        f"[server]\nshutdown_grace_s = {grace_s}\nembedded_worker = false\n"
        "[origin]\norigin_allow_private = true\n"
        f'[[origins]]\nname = "slow"\nurl = "{origin.url("/slow/")}"\nprefix = "slow"\n'
    )
    args = ["serve", "--config", str(config), "--port", "0", "--data-dir", str(tmp_path)]
    running = start(args, {}, tmp_path / "stderr.log")
    running.url = wait_announced(running)
    return running


def get_in_background(url: str) -> tuple[threading.Thread, list[httpx.Response | Exception]]:
    outcome: list[httpx.Response | Exception] = []

    def fetch() -> None:
        try:
            outcome.append(httpx.get(url, timeout=30))
        except httpx.HTTPError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=fetch)
    thread.start()
    return thread, outcome


def refuses_connections(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def terminate_mid_request(
    tmp_path: Path, origin: WebOriginServer, grace_s: int
) -> tuple[Running, threading.Thread, list[httpx.Response | Exception], float]:
    """Start a render that waits on the origin, SIGTERM the server once the origin has the
    request; (server, request thread, its outcome, when the signal was sent)."""
    running = serve_behind_slow_origin(tmp_path, origin, grace_s)
    thread, outcome = get_in_background(running.url + RENDER)
    wait_until(lambda: SOURCE in origin.arrived, "the render to reach the origin")
    signalled = time.monotonic()
    running.process.send_signal(signal.SIGTERM)
    return running, thread, outcome, signalled


def test_sigterm_finishes_the_render_in_flight_and_exits_0(
    tmp_path: Path, web_origin: WebOriginServer
) -> None:
    web_origin.slow_s = 2.0
    running, thread, outcome, signalled = terminate_mid_request(tmp_path, web_origin, 20)
    try:
        wait_until(lambda: refuses_connections(running.url), "new connections to be refused", 2)
        assert running.process.poll() is None  # still finishing the request in flight
        thread.join(30)
        assert running.process.wait(20) == 0
    finally:
        running.stop()
    [response] = outcome
    assert isinstance(response, httpx.Response)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert decoded(response.content).width == 120
    assert time.monotonic() - signalled < 20.0
    assert "Waiting for connections to close" in running.log.read_text()


def test_sigterm_stops_waiting_after_the_grace_period(
    tmp_path: Path, web_origin: WebOriginServer
) -> None:
    web_origin.slow_s = 15.0
    running, thread, outcome, signalled = terminate_mid_request(tmp_path, web_origin, 1)
    try:
        assert running.process.wait(10) == 0
        stopped_after = time.monotonic() - signalled
        thread.join(30)
    finally:
        running.stop()
    assert 1.0 <= stopped_after < 10.0  # the grace period, not the origin's 15 s
    [answer] = outcome
    assert not (isinstance(answer, httpx.Response) and answer.status_code == 200)
    assert "timeout graceful shutdown exceeded" in running.log.read_text()
