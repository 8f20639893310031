"""``enlarger sync``: make the primary store and its replica hold the same objects."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from enlarger.cli.errors import reported_errors
from enlarger.cli.options import ConfigOption, DataDirOption, load_settings
from enlarger.cli.progress import progress_bar
from enlarger.errors import ConfigError
from enlarger.storage import StorageError, SyncReport, open_store, sync


def register(app: typer.Typer) -> None:
    app.command(name="sync")(sync_command)


def sync_command(
    config: ConfigOption = None,
    prefix: Annotated[str, typer.Option(help="Only keys under this folder, e.g. originals.")] = "",
    sizes_only: Annotated[
        bool, typer.Option("--sizes-only", help="Trust equal sizes; do not read both copies.")
    ] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Copy whatever is missing or different between storage_url and replica_url.

    When both stores hold a key with different content the primary's copy wins, except
    for originals, whose key names their sha256: the copy that matches it wins.
    """
    with reported_errors():
        settings = load_settings(config, data_dir)
        if not settings.storage.replica_url:
            raise ConfigError(
                "nothing to sync: no replica_url is set ([storage] replica_url or "
                "ENLARGER_REPLICA_URL)"
            )
        primary = open_store(settings.storage.storage_url, settings.data_dir)
        secondary = open_store(settings.storage.replica_url, settings.data_dir)
        typer.echo(f"primary:   {primary.describe()}")
        typer.echo(f"secondary: {secondary.describe()}")
        with progress_bar("syncing") as progress:
            task = progress.add_task("sync", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            try:
                report = asyncio.run(
                    sync(primary, secondary, prefix, advance, compare_content=not sizes_only)
                )
            except StorageError as exc:
                # Operators need the backend's detail, not the public 503 message.
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(1) from None
    _print_summary(report)
    if report.errors:
        raise typer.Exit(1)


def _print_summary(report: SyncReport) -> None:
    typer.echo(f"compared:            {report.compared}")
    typer.echo(f"copied to secondary: {report.copied_to_secondary}")
    typer.echo(f"copied to primary:   {report.copied_to_primary}")
    typer.echo(f"repaired:            {report.repaired}")
    typer.echo(f"errors:              {report.errors}")
    for failure in report.failures:
        typer.echo(f"  {failure.key}: {failure.reason}")
