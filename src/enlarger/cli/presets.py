"""``enlarger presets list | sync``: the configured presets, and bringing stored images
up to date with them.

Presets follow their configuration through ``sync``, run by the operator after adding
or changing a preset (not at start-up: on a large catalog it queues many conversions,
and several ``serve`` nodes would race to do it). Until then an outdated preset of an
older image is never served as current: its status is ``outdated`` and its URL a 404.
"""

from __future__ import annotations

from contextlib import closing
from typing import Annotated

import typer

from enlarger.cli.conversion import InProcessConversion
from enlarger.cli.errors import reported_errors
from enlarger.cli.options import ConfigOption, DataDirOption, load_settings
from enlarger.ingest.preset_sync import queue_outdated
from enlarger.presets import validate_presets
from enlarger.services import open_services
from enlarger.spec.canonical import canonical

presets_app = typer.Typer(
    help="List the presets; queue the conversions added or changed presets need.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.add_typer(presets_app, name="presets")


@presets_app.command("list")
def list_presets(config: ConfigOption = None) -> None:
    """Each preset: its name, its imgix query and the canonical spec it renders."""
    with reported_errors():
        settings = load_settings(config, None)
        specs = validate_presets(settings.presets)
    for name, query in settings.presets.items():
        typer.echo(f"{name}\t{query}\t{canonical(specs[name])}")


@presets_app.command("sync")
def sync_presets(
    convert: Annotated[
        bool,
        typer.Option(
            "--convert/--no-convert",
            help="Convert here and now with a progress bar, or only queue for serve/worker.",
        ),
    ] = True,
    parallel: Annotated[
        int, typer.Option(min=1, max=64, metavar="N", help="Conversions at a time.")
    ] = 4,
    config: ConfigOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Queue a conversion for every image that lacks a preset, or has one made from an
    older spec of it; then (--convert) run them."""
    with reported_errors(), closing(open_services(load_settings(config, data_dir))) as services:
        conversion = InProcessConversion(services, parallel) if convert else None
        with services.sessions.begin() as session:
            jobs = queue_outdated(session, services.preset_specs)
        typer.echo(f"outdated images:    {len(jobs)}")
        if conversion is None:
            typer.echo("queued: serve or worker converts them")
            return
        tally = conversion.run_with_progress({job: image for image, job in jobs.items()})
    typer.echo(f"presets converted:  {tally.converted}")
    typer.echo(f"presets failed:     {tally.failed}")
    if tally.failed:
        raise typer.Exit(1)
