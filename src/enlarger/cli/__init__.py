"""The ``enlarger`` command. Each subcommand module registers itself with one line below."""

from __future__ import annotations

import logging
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer

from enlarger.cli import (
    generate_log,
    keys,
    presets,
    render,
    replay,
    serve,
    sweep,
    sync,
    upload,
    warm,
    worker,
)
from enlarger.imaging.runtime import library_versions

app = typer.Typer(
    name="enlarger",
    help="Enlarger: an imgix-compatible, self-hosted image service.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no "<bool>" type column beside flags
)

serve.register(app)
render.register(app)
sync.register(app)
sweep.register(app)
worker.register(app)
upload.register(app)
keys.register(app)
presets.register(app)
replay.register(app)
warm.register(app)
generate_log.register(app)


def _print_version(wanted: bool) -> None:
    if not wanted:
        return
    try:
        own = version("enlarger")
    except PackageNotFoundError:
        own = "unknown (not installed)"
    libraries = library_versions()
    typer.echo(f"enlarger {own}")
    typer.echo(f"pyvips {libraries['pyvips']}")
    typer.echo(f"libvips {libraries['libvips']}")
    raise typer.Exit()


@app.callback()
def root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print the versions of Enlarger, pyvips and libvips, and exit.",
        ),
    ] = False,
) -> None:
    """Enlarger: an imgix-compatible, self-hosted image service."""


def main() -> None:
    """Run the command, then end the process without the interpreter's teardown.

    Native runtimes this process loads (obstore's Tokio threads, libvips) can abort a
    command that has finished its work while Python finalizes: a rare SIGABRT after a
    successful ``enlarger sync`` was seen. Output is flushed first, and the exit status is
    the one the command chose.
    """
    try:
        app()
    except SystemExit as done:
        status = _exit_status(done.code)
    else:
        status = 0
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _exit_status(code: object) -> int:
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)  # SystemExit("message"): Python prints it and exits 1
    return 1
