"""``enlarger sweep``: remove stored originals and derivatives that no image row names."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from enlarger.cli.errors import reported_errors
from enlarger.cli.options import ConfigOption, DataDirOption, load_settings
from enlarger.ingest.orphans import sweep_orphans
from enlarger.services import open_services


def register(app: typer.Typer) -> None:
    app.command(name="sweep")(sweep_command)


def sweep_command(
    config: ConfigOption = None,
    grace: Annotated[
        float | None,
        typer.Option(
            metavar="SECONDS",
            min=0,
            help="Keep objects younger than this [ingest] orphan_grace_s.",
        ),
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Delete originals and derivatives whose image is not in the catalog, once they are
    older than the grace period (uploads in flight are younger). `serve` does this too,
    every orphan_sweep_interval_s."""
    with reported_errors():
        settings = load_settings(config, data_dir)
        services = open_services(settings)
        try:
            grace_s = settings.ingest.orphan_grace_s if grace is None else grace
            report = asyncio.run(sweep_orphans(services.store, services.sessions, grace_s))
        finally:
            services.close()
    for key in report.removed:
        typer.echo(f"removed {key}")
    typer.echo(f"examined: {report.examined}")
    typer.echo(f"removed:  {len(report.removed)}")
