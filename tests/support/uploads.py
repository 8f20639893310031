"""Fixtures for the upload API: an app on a temporary data dir, API keys, images, servers."""

from __future__ import annotations

import dataclasses
import io
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select
from starlette.applications import Starlette

from enlarger.catalog.api_keys import create_api_key
from enlarger.catalog.models import Base
from enlarger.services import Services
from enlarger.settings import Settings
from tests.support.databases import BACKENDS, empty_tables

BASE_URL = "http://images.example.com"
MAX_UPLOAD_BYTES = 300_000
MAX_PIXELS = 4_000_000
PRESETS = {"thumb": "w=40&h=40&fit=crop&fm=webp", "small": "w=64&fm=jpg"}


def upload_settings(data_dir: Path, **overrides: Any) -> Settings:
    given = {
        "data_dir": data_dir,
        "max_upload_bytes": MAX_UPLOAD_BYTES,
        "max_source_pixels": MAX_PIXELS,
        "embedded_worker": False,
        **overrides,
    }
    return dataclasses.replace(Settings.load(environ={}, overrides=given), presets=dict(PRESETS))


@dataclass
class UploadApp:
    app: Starlette
    services: Services
    key: str
    client: httpx.AsyncClient
    extra_keys: list[str] = field(default_factory=list)

    def count(self, model: type[Base]) -> int:
        with self.services.sessions() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0

    async def objects(self) -> list[str]:
        return sorted([info.key async for info in self.services.store.list()])


def build_upload_app(settings: Settings) -> tuple[Starlette, Services]:
    from enlarger.app import build_app

    app = build_app(settings)
    return app, app.state.services


def new_key(services: Services, name: str = "tests") -> str:
    with services.sessions.begin() as session:
        _row, key = create_api_key(session, name)
    return key


def api_client(app: Starlette, key: str) -> httpx.AsyncClient:
    """An in-process client of ``app`` that sends ``key`` as its API key."""
    transport = httpx.ASGITransport(app=app)
    headers = {"authorization": f"Bearer {key}"}
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers)


@pytest.fixture(params=BACKENDS)
async def uploads(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[UploadApp]:
    """The upload app on SQLite, then on PostgreSQL (skipped when it is not running)."""
    database = ""
    if request.param == "postgresql":
        database = request.getfixturevalue("postgres_database")
        empty_tables(database)
    settings = upload_settings(tmp_path / "data", database_url=database)
    app, services = build_upload_app(settings)
    key = new_key(services)
    async with api_client(app, key) as c:
        yield UploadApp(app, services, key, c)
    services.close()


def encoded(
    size: tuple[int, int] = (64, 48),
    colour: tuple[int, ...] = (200, 30, 40),
    fmt: str = "JPEG",
    mode: str = "RGB",
    **params: Any,
) -> bytes:
    """A small image generated in the test; vary ``colour`` to get distinct bytes."""
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt, **params)
    return out.getvalue()


Responder = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class LocalServer:
    """A real HTTP server on 127.0.0.1; ``routes`` maps a path to what answers it."""

    routes: dict[str, Responder]
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server_state = LocalServer(routes={})

    class Handler(BaseHTTPRequestHandler):
        def _dispatch(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            server_state.requests.append((self.path, dict(self.headers.items()), body))
            responder = server_state.routes.get(self.path.split("?")[0])
            if responder is None:
                self.send_error(404)
                return
            responder(self)

        do_GET = do_POST = _dispatch  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``requests`` instead."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def send(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Responder:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


async def wait_for(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    with anyio.fail_after(timeout_s):
        while not condition():
            await anyio.sleep(0.05)


WEBHOOK_SECRET = "whsec_test_secret"


def worker_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Upload settings with the embedded worker, fast retries and signed webhooks."""
    given = {
        "allow_private_urls": True,
        "webhook_secret": WEBHOOK_SECRET,
        "retry_base_s": 0.05,
        "retry_cap_s": 0.2,
        "max_attempts": 3,
        "embedded_worker": True,
        **overrides,
    }
    return upload_settings(data_dir, **given)


@dataclass
class WorkerApp:
    client: httpx.AsyncClient
    services: Services


@pytest.fixture
async def with_worker(tmp_path: Path) -> AsyncIterator[WorkerApp]:
    """The upload app with a running embedded worker, fast retries and signed webhooks."""
    settings = worker_settings(tmp_path / "data")
    app, services = build_upload_app(settings)
    worker = app.state.worker  # the app's own: uploads dispatch to it
    worker.start()
    async with api_client(app, new_key(services)) as c:
        yield WorkerApp(c, services)
    worker.stop(timeout=10)
    services.close()


def job_status(services: Services, **where: str) -> str | None:
    """The status of the newest job matching ``where`` (column=value), or None."""
    from enlarger.catalog.models import Job

    with services.sessions() as session:
        query = select(Job).filter_by(**where).order_by(Job.created_at.desc()).limit(1)
        job = session.scalar(query)
        return None if job is None else job.status.value
