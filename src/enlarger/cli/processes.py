"""``enlarger serve`` as several processes on one port.

One process keeps about 1.6 of 2 cores busy: its event loop and render threads share one
interpreter lock. Independent processes do not (benchmarks/RESULTS.md). The parent binds
one socket per server on the same port (``SO_REUSEPORT``: ``cli/serve.py``), forks a
server for each socket but the first, and serves the first itself; the kernel hands each
connection to one socket by its addresses.

The children are forked after every module is imported and before anything runs: no
thread, database connection or libvips operation exists yet, and the imported code (about
70 MB of a server's 110 MB) stays shared, copy-on-write (``gc.freeze`` keeps the collector
from touching it). A second process then costs about 50 MB, not another 110
(benchmarks/MEMORY.md). The budgets are the server's, shared out: render threads left at
0 ("one per CPU"), the pixels in flight and the memory cache; a render over its process's
share of the pixels runs alone in the whole server (``http/server_lock.py``). Only the
first process runs the embedded conversion worker (the jobs table's leases would make
several safe, but one per server is what its slots assume).

SIGTERM or SIGINT to the parent reaches every process as SIGTERM: each drains its own
connections within the grace period, and the parent exits once the children have. A child
whose parent dies gets SIGTERM from the kernel (Linux), so none outlives the server.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import os
import signal
import socket
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from types import FrameType

import uvicorn
from starlette.types import ASGIApp

from enlarger.app import build_app
from enlarger.catalog.migrations import migrate_apart
from enlarger.http.guarded_protocol import ConnectionLimits, protocol_with
from enlarger.settings import ServerSettings, Settings

#: prctl's option asking for a signal when the parent dies.
_PR_SET_PDEATHSIG = 1


class _Server(uvicorn.Server):
    """uvicorn's server, telling ``on_exit`` of the signal that stops it."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._on_exit()
        super().handle_exit(sig, frame)


def run_app(
    app: ASGIApp,
    sock: socket.socket,
    server: ServerSettings,
    on_exit: Callable[[], None] = lambda: None,
) -> None:
    """Serve ``app`` on ``sock`` in this process until it is told to stop, with the
    connection limits of ``server`` enforced below the app; ``on_exit`` is called when
    a signal asks it to stop."""
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
    _Server(config, on_exit).run(sockets=[sock])


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
    """Serve on ``socks[0]`` here and on each other socket in a forked child; a stop
    signal stops them all, and this returns once every child has exited.

    The children wait until this process has built its app (checked the settings and
    migrated the catalog): they do not race to migrate, and a start that fails here
    ends them too."""
    if _threads() != 1:  # a fork copies only the calling thread: libvips' would be lost
        raise RuntimeError("serve_processes must fork before any thread starts")
    count, parent = len(socks), os.getpid()
    gc.freeze()
    ready_in, ready_out = os.pipe()
    children = []
    for index in range(1, count):
        pid = os.fork()
        if pid == 0:
            os.close(ready_out)
            _child(share(settings, index, count), socks, index, parent, ready_in)
        children.append(pid)
    os.close(ready_in)
    for sock in socks[1:]:  # each child holds its own
        sock.close()

    def stop_children() -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):  # it has exited already
                os.kill(pid, signal.SIGTERM)

    try:
        with os.fdopen(ready_out, "wb") as ready:  # closed without a byte: the start failed
            app = build_app(share(settings, 0, count), migrate_apart)
            ready.write(bytes(count - 1))
        run_app(app, socks[0], settings.server, stop_children)
    finally:
        stop_children()
        for pid in children:
            os.waitpid(pid, 0)


def share(settings: Settings, index: int, count: int) -> Settings:
    """The settings of server ``index`` of ``count``: the server's budgets shared out."""
    server, cache = settings.server, settings.cache
    threads = server.render_threads or max(1, (os.cpu_count() or 1) // count)
    server = dataclasses.replace(
        server,
        render_threads=threads,
        embedded_worker=server.embedded_worker and index == 0,
        render_pixels_in_flight=server.render_pixels_in_flight // count,
    )
    cache = dataclasses.replace(cache, memory_cache_bytes=cache.memory_cache_bytes // count)
    return dataclasses.replace(settings, server=server, cache=cache)


def _child(
    settings: Settings, socks: Sequence[socket.socket], index: int, parent: int, ready: int
) -> None:
    """Server ``index`` in a forked child, on its own socket, once ``ready`` gives a byte
    (none: the parent's start failed); it never returns."""
    status = 1
    try:
        for other, sock in enumerate(socks):
            if other != index:
                sock.close()
        _stop_with(parent)
        if not os.read(ready, 1):
            os._exit(0)
        os.close(ready)
        run_app(build_app(settings), socks[index], settings.server)
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 0
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(status)  # not back into the parent's command line


def _threads() -> int:
    """The threads of this process, native ones included where ``/proc`` tells."""
    tasks = f"/proc/{os.getpid()}/task"
    return len(os.listdir(tasks)) if os.path.isdir(tasks) else threading.active_count()


def _stop_with(parent: int) -> None:
    """SIGTERM when ``parent`` dies (Linux' ``PR_SET_PDEATHSIG``; elsewhere nothing)."""
    prctl = getattr(ctypes.CDLL(None), "prctl", None)
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(0)
