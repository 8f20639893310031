"""``enlarger serve``: run the HTTP service with uvicorn.

Each option falls back to its ``ENLARGER_*`` environment variable (``ENLARGER_PORT``,
``ENLARGER_ORIGINALS``, ...), then to the TOML config file, then to the default:
``Settings.load`` applies that order for every setting, so the options pass ``None``
through when not given.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Annotated

import typer

from enlarger.app import build_app
from enlarger.catalog.migrations import migrate_apart
from enlarger.cli.errors import reported_errors
from enlarger.cli.logs import configure_logging
from enlarger.cli.options import ConfigOption, DataDirOption
from enlarger.cli.processes import run_app, serve_processes
from enlarger.errors import ConfigError
from enlarger.settings import Settings


def register(app: typer.Typer) -> None:
    app.command(name="serve")(serve)


def serve(
    originals: Annotated[
        Path | None, typer.Option(help="Web folder served by relative path [ENLARGER_ORIGINALS].")
    ] = None,
    host: Annotated[
        str | None, typer.Option(help="Address to bind [ENLARGER_HOST; default 127.0.0.1].")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to bind, 0 for any free one [ENLARGER_PORT; 8080].")
    ] = None,
    sign_key: Annotated[
        str | None,
        typer.Option(help="imgix signing key: every URL must carry a valid s [ENLARGER_SIGN_KEY]."),
    ] = None,
    processes: Annotated[
        int | None,
        typer.Option(help="Server processes sharing the port [ENLARGER_PROCESSES; 1]."),
    ] = None,
    config: ConfigOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Serve renders (and the API) over HTTP."""
    with reported_errors():
        overrides = {
            "originals": originals,
            "host": host,
            "port": port,
            "sign_key": sign_key,
            "data_dir": data_dir,
            "processes": processes,
        }
        settings = Settings.load(config_file=config, overrides=overrides)
        configure_logging()
        count = settings.server.processes
        # bound before anything is created
        socks = listening_sockets(settings.server.host, settings.server.port, count)
        sock = socks[0]
        app = build_app(settings, migrate_apart) if count == 1 else None
    host_, port_ = sock.getsockname()[:2]
    shown_host = f"[{host_}]" if ":" in host_ else host_
    typer.echo(f"Enlarger listening on http://{shown_host}:{port_}")
    if settings.render.originals is None:
        typer.echo(
            "Serving only uploaded images (/i/<id>); add --originals FOLDER to serve a folder"
        )
    if app is None:
        with reported_errors():  # the first process builds its app in there
            serve_processes(settings, socks)
        return
    run_app(app, sock, settings.server)


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """One listening socket per server process on one address. Several share the port
    with ``SO_REUSEPORT``: the kernel then spreads connections over them by their
    addresses, where processes accepting from one socket get them by which one wakes
    first (a few keep-alive connections often all went to one, idling a core)."""
    first = bind(host, port, reuse_port=count > 1)
    port = first.getsockname()[1]  # the one port 0 picked
    return [first, *(bind(host, port, reuse_port=True) for _ in range(count - 1))]


def bind(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """Bind before announcing the address, so what is printed is what listens (port 0 too).

    The port's range was checked when the settings loaded."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # connections queue from now on, before uvicorn starts serving
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"port {port} on {host} is in use: stop what uses it, or choose another "
                "with --port (--port 0 picks any free one)"
            ) from None
        raise
    sock.set_inheritable(True)
    return sock
