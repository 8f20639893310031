"""The ``enlarger`` command. Each subcommand module registers itself with one line below."""

from __future__ import annotations

import typer

from enlarger.cli import generate_log, keys, render, replay, serve, sync, upload, warm, worker

app = typer.Typer(
    name="enlarger",
    help="Enlarger: an imgix-compatible, self-hosted image service.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

serve.register(app)
render.register(app)
sync.register(app)
worker.register(app)
upload.register(app)
keys.register(app)
replay.register(app)
warm.register(app)
generate_log.register(app)


def main() -> None:
    app()
