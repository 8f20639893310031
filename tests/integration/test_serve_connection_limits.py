"""``enlarger serve`` under hostile connections, over raw loopback sockets.

Huge heads are refused after ``max_header_bytes`` (431, or 414 in the request line),
connections that send no complete head are closed after ``header_timeout_s``, one past
``max_connections`` gets 503, and ``/health`` keeps answering throughout. Each answer
below the app is the app's JSON error shape.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, suppress

import httpx
import pytest

from tests.support.processes import serving

HEADER_TIMEOUT_S = 1.0
BODY_IDLE_TIMEOUT_S = 1.0
MAX_CONNECTIONS = 64
MAX_HEADER_BYTES = 32 * 1024


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    data_dir = tmp_path_factory.mktemp("limits")
    env = {
        "ENLARGER_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S),
        "ENLARGER_BODY_IDLE_TIMEOUT_S": str(BODY_IDLE_TIMEOUT_S),
        "ENLARGER_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
        "ENLARGER_EMBEDDED_WORKER": "false",
    }
    args = ["--port", "0", "--data-dir", str(data_dir)]
    with serving(args, env, data_dir / "stderr.log") as running:
        host, port = running.url.removeprefix("http://").split(":")
        yield host, int(port)


def connect(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=10)


def send_all(sock: socket.socket, data: bytes) -> None:
    """Send what the server takes; it may close mid-way, which is the point."""
    with suppress(BrokenPipeError, ConnectionResetError):
        sock.sendall(data)


def read_until_closed(sock: socket.socket) -> bytes:
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def json_error(response: bytes) -> tuple[int, dict[str, str]]:
    """Status and JSON body of a raw response that must close the connection."""
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    assert headers["content-type"] == "application/json"
    assert headers["cache-control"] == "no-store"
    assert headers["connection"] == "close"
    parsed: dict[str, str] = json.loads(body)
    assert isinstance(parsed["message"], str)
    return int(lines[0].split()[1]), parsed


def health_time(address: tuple[str, int]) -> float:
    started = time.monotonic()
    response = httpx.get(f"http://{address[0]}:{address[1]}/health", timeout=5)
    assert response.status_code == 200
    return time.monotonic() - started


def test_a_huge_header_is_431_after_the_limit_not_read_to_the_end(
    address: tuple[str, int],
) -> None:
    started = time.monotonic()
    with connect(address) as sock:
        send_all(sock, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ")
        for _ in range(128):  # up to 128 MB; the server stops reading after 32 KiB
            send_all(sock, b"a" * (1024 * 1024))
            if select.select([sock], [], [], 0)[0]:  # the answer came: stop sending
                break
        status, body = json_error(read_until_closed(sock))
    assert status == 431
    assert body["error"] == "request_header_fields_too_large"
    assert time.monotonic() - started < 5
    assert health_time(address) < 1


def test_a_long_request_line_is_414(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        send_all(sock, b"GET /" + b"a" * (20 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        status, body = json_error(read_until_closed(sock))
    assert (status, body["error"]) == (414, "request-uri_too_long")


def test_a_request_line_with_no_end_is_414(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        send_all(sock, b"GET /" + b"a" * (2 * MAX_HEADER_BYTES))
        status, _body = json_error(read_until_closed(sock))
    assert status == 414


@pytest.mark.parametrize(
    "request_bytes",
    [b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x00\x01\x02\r\n\r\n"],
    ids=["unknown-method", "bad-version", "binary"],
)
def test_malformed_requests_are_json_400(address: tuple[str, int], request_bytes: bytes) -> None:
    with connect(address) as sock:
        send_all(sock, request_bytes)
        status, body = json_error(read_until_closed(sock))
    assert (status, body["error"]) == (400, "bad_request")


def test_idle_and_half_sent_connections_are_closed_and_health_answers(
    address: tuple[str, int],
) -> None:
    with ExitStack() as stack:
        socks = [stack.enter_context(connect(address)) for _ in range(MAX_CONNECTIONS // 2)]
        for index, sock in enumerate(socks):
            if index % 2:  # slowloris: a head that never ends
                send_all(sock, b"GET /health HTTP/1.1\r\nHost: x\r\nX-a: b\r\n")
        started = time.monotonic()
        assert health_time(address) < 1
        for sock in socks:
            assert read_until_closed(sock) == b""
        assert time.monotonic() - started < HEADER_TIMEOUT_S + 3
    assert health_time(address) < 1


def test_one_connection_past_the_cap_is_503(address: tuple[str, int]) -> None:
    with ExitStack() as stack:
        for _ in range(MAX_CONNECTIONS):
            stack.enter_context(connect(address))
        with connect(address) as extra:
            status, body = json_error(read_until_closed(extra))
        assert (status, body["error"]) == (503, "service_unavailable")
    time.sleep(0.2)  # the held connections close on our side; the server notices at once
    assert health_time(address) < 1


def test_a_request_with_a_slow_start_still_works_within_the_timeout(
    address: tuple[str, int],
) -> None:
    with connect(address) as sock:
        send_all(sock, b"GET /health HTTP/1.1\r\n")
        time.sleep(HEADER_TIMEOUT_S / 3)
        send_all(sock, b"Host: x\r\nConnection: close\r\n\r\n")
        response = read_until_closed(sock)
    assert response.startswith(b"HTTP/1.1 200 ")
    assert response.endswith(b'{"status":"ok"}')


def test_a_body_that_stops_arriving_is_cut_off(address: tuple[str, int]) -> None:
    head = b"POST /v1/images HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
    with connect(address) as sock:
        started = time.monotonic()
        send_all(sock, head + b"\xff\xd8" * 8)
        read_until_closed(sock)
        assert time.monotonic() - started < BODY_IDLE_TIMEOUT_S + 3
