"""``enlarger serve`` as several processes on one port.

One process keeps about 1.6 of 2 cores busy: its event loop and render threads share one
interpreter lock. Independent processes do not (benchmarks/RESULTS.md). The parent binds
one socket per server on the same port (``SO_REUSEPORT``: ``cli/serve.py``), then spawns
a server on each; the kernel hands each connection to one socket by its addresses. Only
the first runs the embedded conversion worker (the jobs table's leases would make
several safe, but one per server is what its slots assume), and when render threads are
left at 0 ("one per CPU") the CPUs are shared out.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import socket
from collections.abc import Sequence
from types import FrameType

import uvicorn
from starlette.types import ASGIApp

from enlarger.app import build_app
from enlarger.cli.logs import configure_logging
from enlarger.http.guarded_protocol import ConnectionLimits, protocol_with
from enlarger.settings import ServerSettings, Settings


def run_app(app: ASGIApp, sock: socket.socket, server: ServerSettings) -> None:
    """Serve ``app`` on ``sock`` in this process until it is told to stop, with the
    connection limits of ``server`` enforced below the app."""
    protocol = protocol_with(connection_limits(server))
    config = uvicorn.Config(
        app,
        http=protocol,
        access_log=False,
        log_config=None,
        server_header=False,
        timeout_graceful_shutdown=server.shutdown_grace_s,
    )
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.Server(config).run(sockets=[sock])


def _exit_cleanly(_signum: int, _frame: FrameType | None) -> None:
    """SIGTERM is how supervisors ask for a stop. uvicorn handles it while it serves (stop
    accepting, drain within the grace period) and raises it again once drained; this
    handler, restored by then, makes that an exit with status 0 rather than death by signal."""
    raise SystemExit(0)


def connection_limits(server: ServerSettings) -> ConnectionLimits:
    return ConnectionLimits(
        max_header_bytes=server.max_header_bytes,
        max_request_line_bytes=server.max_request_line_bytes,
        header_timeout_s=server.header_timeout_s,
        body_idle_timeout_s=server.body_idle_timeout_s,
        max_connections=server.max_connections,
    )


def serve_processes(settings: Settings, socks: Sequence[socket.socket]) -> None:
    """Run one server process on each of ``socks``; SIGINT/SIGTERM stop them all."""
    context = multiprocessing.get_context("spawn")  # no libvips or database state forked
    count = len(socks)
    children = [
        context.Process(target=_child, args=(share(settings, index, count), sock), daemon=True)
        for index, sock in enumerate(socks)
    ]
    for child in children:
        child.start()

    def stop(signum: int, _frame: FrameType | None) -> None:
        for sock in socks:  # with the children's copies closed too, new connections are refused
            sock.close()
        for child in children:
            if child.pid is not None and child.is_alive():
                os.kill(child.pid, signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for child in children:
        child.join()


def share(settings: Settings, index: int, count: int) -> Settings:
    """The settings of server ``index`` of ``count``."""
    server = settings.server
    threads = server.render_threads or max(1, (os.cpu_count() or 1) // count)
    worker = server.embedded_worker and index == 0
    server = dataclasses.replace(server, render_threads=threads, embedded_worker=worker)
    return dataclasses.replace(settings, server=server)


def _child(settings: Settings, sock: socket.socket) -> None:
    configure_logging()
    run_app(build_app(settings), sock, settings.server)
