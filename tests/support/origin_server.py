"""A loopback web origin for the origin tests: images with ETag and Last-Modified,
conditional GETs, a slow path and redirect chains. It counts what it was asked."""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class WebOriginServer:
    """``files`` maps a path (``/photos/a.jpg``) to bytes; change them to change the origin."""

    files: dict[str, bytes] = field(default_factory=dict)
    port: int = 0
    #: (path, answered status) of every request, in order.
    requests: list[tuple[str, int]] = field(default_factory=list)
    #: the path of every request as it arrives, before any answer (or slow wait).
    arrived: list[str] = field(default_factory=list)
    #: path -> Location of a 302 (to anywhere).
    redirects: dict[str, str] = field(default_factory=dict)
    slow_s: float = 2.0
    modified: float = field(default_factory=lambda: time.time() - 3600)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def statuses(self, path: str) -> list[int]:
        return [status for asked, status in self.requests if asked == path]


def _etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:16] + '"'


def _handler(state: WebOriginServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path
            state.arrived.append(path)
            if path.startswith("/slow/"):
                time.sleep(state.slow_s)
                path = path.removeprefix("/slow")
            if path in state.redirects:
                self._answer(302, headers={"Location": state.redirects[path]})
                return
            if path.startswith("/hop/"):  # /hop/3/photos/a.jpg: 3 redirects, then the file
                _, _, count, rest = path.split("/", 3)
                hops = int(count)
                target = f"/hop/{hops - 1}/{rest}" if hops > 1 else f"/{rest}"
                self._answer(302, headers={"Location": target})
                return
            data = state.files.get(path)
            if data is None:
                self._answer(404)
                return
            etag = _etag(data)
            if self.headers.get("If-None-Match") == etag:
                self._answer(304, headers={"ETag": etag})
                return
            modified = formatdate(state.modified, usegmt=True)
            headers = {"ETag": etag, "Last-Modified": modified, "Content-Type": "image/jpeg"}
            self._answer(200, data, headers)

        def _answer(
            self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
        ) -> None:
            state.requests.append((self.path, status))
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # a client past its size limit hangs up

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``requests`` instead."""

    return Handler


@pytest.fixture
def web_origin() -> Iterator[WebOriginServer]:
    state = WebOriginServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
