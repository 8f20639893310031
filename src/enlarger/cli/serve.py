"""``enlarger serve``: run the HTTP service with uvicorn.

Each option falls back to its ``ENLARGER_*`` environment variable (``ENLARGER_PORT``,
``ENLARGER_ORIGINALS``, ...), then to the TOML config file, then to the default:
``Settings.load`` applies that order for every setting, so the options pass ``None``
through when not given.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from enlarger.app import build_app
from enlarger.cli.errors import reported_errors
from enlarger.cli.logs import configure_logging
from enlarger.cli.options import ConfigOption, DataDirOption
from enlarger.http.guarded_protocol import ConnectionLimits, protocol_with
from enlarger.settings import ServerSettings, Settings


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
        }
        settings = Settings.load(config_file=config, overrides=overrides)
        configure_logging()
        app = build_app(settings)
        sock = bind(settings.server.host, settings.server.port)
    host_, port_ = sock.getsockname()[:2]
    shown_host = f"[{host_}]" if ":" in host_ else host_
    typer.echo(f"Enlarger listening on http://{shown_host}:{port_}")
    protocol = protocol_with(connection_limits(settings.server))
    uvicorn_config = uvicorn.Config(
        app, http=protocol, access_log=False, log_config=None, server_header=False
    )
    uvicorn.Server(uvicorn_config).run(sockets=[sock])


def connection_limits(server: ServerSettings) -> ConnectionLimits:
    return ConnectionLimits(
        max_header_bytes=server.max_header_bytes,
        max_request_line_bytes=server.max_request_line_bytes,
        header_timeout_s=server.header_timeout_s,
        body_idle_timeout_s=server.body_idle_timeout_s,
        max_connections=server.max_connections,
    )


def bind(host: str, port: int) -> socket.socket:
    """Bind before announcing the address, so what is printed is what listens (port 0 too).

    The port's range was checked when the settings loaded."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # connections queue from now on, before uvicorn starts serving
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock
