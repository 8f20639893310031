"""``deploy/local-cluster start|stop``: see the package's docstring and the README."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from deploy.local_cluster.launch import (
    ClusterError,
    restart_part,
    start_cluster,
    stop_cluster,
    stop_part,
)
from deploy.local_cluster.state import Cluster


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    run: Path = args.run_dir.resolve()
    try:
        if args.action == "start":
            start(run, args)
        else:
            stop(run, args)
    except ClusterError as exc:
        print(f"local-cluster: {exc}", file=sys.stderr)
        return 1
    return 0


def start(run: Path, args: argparse.Namespace) -> None:
    if args.part:
        part = restart_part(_running(run), args.part)
        print(f"{part.name}: started again (pid {part.pid})")
        return
    cluster = start_cluster(run, args.originals, args.port)
    nginx = cluster.parts["nginx"]
    print(f"nginx: {cluster.nginx_url} (pid {nginx.pid}, log {nginx.log})")
    for name, part in cluster.parts.items():
        where = f"http://127.0.0.1:{part.port} " if part.port else ""
        if name != "nginx":
            print(f"{name}: {where}(pid {part.pid}, log {part.log})")
    print(f"config: {cluster.config} (enlarger keys create NAME --config {cluster.config})")


def stop(run: Path, args: argparse.Namespace) -> None:
    cluster = _running(run)
    if args.part:
        stop_part(cluster, args.part, signal.SIGKILL if args.kill else signal.SIGTERM)
        print(f"{args.part}: stopped")
        return
    stop_cluster(cluster)
    print(f"cluster in {run}: stopped (logs stay in {run / 'logs'})")


def _running(run: Path) -> Cluster:
    cluster = Cluster.load(run)
    if cluster is None:
        raise ClusterError(f"no cluster was started from {run}")
    return cluster


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deploy/local-cluster",
        description="nginx, two enlarger serve nodes, a worker and SeaweedFS on loopback, "
        "sharing the local PostgreSQL and RabbitMQ",
    )
    parser.add_argument(
        "--run-dir",
        type=Path,
        default=Path(".local-cluster"),
        help="where the cluster keeps its state, data and logs (default ./.local-cluster)",
    )
    actions = parser.add_subparsers(dest="action", required=True)
    start_ = actions.add_parser("start", help="start the cluster (or one stopped part of it)")
    start_.add_argument("--originals", type=Path, help="a folder of originals to serve")
    start_.add_argument("--port", type=int, default=0, help="nginx's port (default: a free one)")
    start_.add_argument("--part", help="start this stopped part again: node-a, node-b, worker")
    stop_ = actions.add_parser("stop", help="stop every part by PID (or one part)")
    stop_.add_argument("--part", help="stop only this part: nginx, node-a, node-b, worker")
    stop_.add_argument("--kill", action="store_true", help="with --part: SIGKILL, not SIGTERM")
    return parser


if __name__ == "__main__":
    sys.exit(main())
