"""``enlarger worker``: run background jobs (conversions, webhooks) until stopped.

Run any number of them, on any machines that share the catalog database (and, for
``--engine rabbitmq``, the broker). SIGTERM or Ctrl-C stops taking jobs and lets running
ones finish; a worker killed outright loses nothing (see ``enlarger.jobs``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from enlarger.catalog.migrations import migrate_apart
from enlarger.cli.errors import reported_errors
from enlarger.cli.logs import configure_logging
from enlarger.cli.options import ConfigOption, DataDirOption
from enlarger.jobs.worker import ENGINES, run_worker
from enlarger.settings import Settings


def register(app: typer.Typer) -> None:
    app.command(name="worker")(worker)


def worker(
    engine: Annotated[
        str | None,
        typer.Option(help=f"Job engine: {' or '.join(ENGINES)} [ENLARGER_QUEUE_ENGINE; embedded]."),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, help="Jobs run at once [ENLARGER_WORKER_SLOTS; one per CPU]."),
    ] = None,
    config: ConfigOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Run conversion (and other) jobs from the queue."""
    with reported_errors():
        settings = Settings.load(
            config_file=config, overrides={"queue_engine": engine, "data_dir": data_dir}
        )
        configure_logging()
        run_worker(settings, concurrency, migrate_apart)
