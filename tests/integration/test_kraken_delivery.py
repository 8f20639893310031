"""Where Kraken answers go, against a live ``enlarger serve``: a client's own S3 bucket
(``s3_store``, on a real SeaweedFS) and callback deliveries that failed, listed and
redelivered once the receiver is back."""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import obstore
import pytest
import requests
from obstore.store import S3Store

from enlarger.webhooks.delivery import EVENT_ID_HEADER
from enlarger.webhooks.signing import SIGNATURE_HEADER, verify
from tests.support.kraken import FIXTURES, KEY_NAME, SECRET, kraken_client, kraken_env
from tests.support.processes import run_cli, serving
from tests.support.seaweedfs import SeaweedS3

pytestmark = pytest.mark.slow

PHOTO = FIXTURES / "skimage_rocket.jpg"
PNG = FIXTURES / "plasma_icecold_rgba_320.png"


def _bucket(server: SeaweedS3) -> S3Store:
    return S3Store(
        server.bucket,
        endpoint=server.endpoint,
        region="us-east-1",
        access_key_id=server.access_key_id,
        secret_access_key=server.secret_access_key,
        client_options={"allow_http": True},
    )


def _catalog_text(data_dir: Path) -> str:
    """Every row of every table of the served catalog, as SQL text."""
    with contextlib.closing(sqlite3.connect(data_dir / "catalog.sqlite3")) as db:
        return "\n".join(db.iterdump())


@pytest.mark.seaweedfs
def test_s3_store_puts_the_result_in_the_clients_bucket(
    tmp_path: Path, seaweedfs: SeaweedS3
) -> None:
    env = kraken_env(tmp_path)
    key = run_cli(["keys", "create", KEY_NAME], env).strip()
    s3_store = {
        "key": seaweedfs.access_key_id,
        "secret": seaweedfs.secret_access_key,
        "bucket": seaweedfs.bucket,
        "region": "us-east-1",
        "path": "kraken/out",
        "endpoint": seaweedfs.endpoint,
    }
    with serving(["--port", "0"], env, tmp_path / "serve.log") as server:
        client = kraken_client(server, key)
        result = client.upload(str(PHOTO), {"wait": True, "lossy": True, "s3_store": s3_store})
        with pytest.raises(requests.HTTPError) as refused:
            client.upload(
                str(PHOTO), {"callback_url": f"{server.url}/nowhere", "s3_store": s3_store}
            )
    assert result["success"] is True
    object_key = "kraken/out/skimage_rocket.jpg"
    assert result["kraked_url"] == f"{seaweedfs.endpoint}/{seaweedfs.bucket}/{object_key}"
    stored = bytes(obstore.get(_bucket(seaweedfs), object_key).bytes())
    assert stored[:3] == b"\xff\xd8\xff"
    assert len(stored) == result["kraked_size"] < result["original_size"]
    answer = refused.value.response
    assert answer is not None
    assert answer.status_code == 400
    assert "s3_store" in answer.json()["message"]
    catalog = _catalog_text(tmp_path)
    assert result["id"] in catalog  # the row is there, without the credentials
    log = (tmp_path / "serve.log").read_text()
    assert "/kraken/v1/upload" in log  # the access log is there, without the credentials
    # (the test server's access key id is also its bucket's name, so only the secret
    # can be looked for: it is what must never be kept)
    assert seaweedfs.secret_access_key not in catalog
    assert seaweedfs.secret_access_key not in log


@contextlib.contextmanager
def _receiver_on(port_holder: socket.socket) -> Iterator[list[tuple[dict[str, str], bytes]]]:
    """An HTTP receiver on the port ``port_holder`` kept (closed first): answers 204."""
    posts: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            posts.append((dict(self.headers.items()), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads ``posts``."""

    address = port_holder.getsockname()
    port_holder.close()
    httpd = ThreadingHTTPServer(address, Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield posts
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _poll(get: Any, timeout_s: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = get()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"nothing within {timeout_s}s")


def test_failed_delivery_is_listed_and_redelivered_once_the_receiver_is_back(
    tmp_path: Path,
) -> None:
    env = kraken_env(tmp_path, ENLARGER_MAX_ATTEMPTS="2")
    key = run_cli(["keys", "create", KEY_NAME], env).strip()
    bearer = {"authorization": f"Bearer {key}"}
    # A bound socket that never listens: connections to it are refused, as to a host
    # whose receiver is down, and the port stays ours for when it comes back.
    down = socket.socket()
    down.bind(("127.0.0.1", 0))
    callback = f"http://127.0.0.1:{down.getsockname()[1]}/hook"
    with serving(["--port", "0"], env, tmp_path / "serve.log") as server:
        accepted = kraken_client(server, key).upload(str(PNG), {"callback_url": callback})

        def failed() -> list[dict[str, Any]]:
            response = requests.get(f"{server.url}/v1/webhooks/failed", headers=bearer, timeout=10)
            assert response.status_code == 200, response.text
            items: list[dict[str, Any]] = response.json()["items"]
            return items

        [item] = _poll(failed)
        assert item["url"] == callback
        assert item["attempts"] == 2
        assert item["last_error"]
        with _receiver_on(down) as posts:
            response = requests.post(
                f"{server.url}/v1/webhooks/{item['job_id']}/redeliver", headers=bearer, timeout=10
            )
            assert response.status_code == 202, response.text
            assert response.json()["redelivers"] == item["job_id"]
            headers, body = _poll(lambda: posts)[0]
            time.sleep(1.0)  # a second delivery, if one were coming, arrives by now
            assert len(posts) == 1
        again = requests.post(
            f"{server.url}/v1/webhooks/{item['job_id']}/redeliver", headers=bearer, timeout=10
        )
        missing = requests.post(
            f"{server.url}/v1/webhooks/nosuchjob/redeliver", headers=bearer, timeout=10
        )
    assert verify(SECRET, headers[SIGNATURE_HEADER], body, now=int(time.time()))
    answer = json.loads(body)
    assert answer["id"] == accepted["id"]
    assert answer["success"] is True
    assert headers[EVENT_ID_HEADER] == item["event_id"]
    with contextlib.closing(sqlite3.connect(tmp_path / "catalog.sqlite3")) as db:
        log = db.execute(
            "SELECT event_id, status_code FROM webhook_deliveries ORDER BY id"
        ).fetchall()
    # two refused attempts, the redelivery; then the second redelivery's, with no receiver
    assert log[:3] == [(item["event_id"], None)] * 2 + [(item["event_id"], 204)], log
    assert again.status_code == 202  # the original stays failed: it may be redelivered again
    assert missing.status_code == 404
