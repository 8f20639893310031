"""``enlarger upload PATH...``: upload files and folders (recursively), a few at a time.

Without ``--server`` it ingests straight into the configured data dir and store (the
same ``Settings.load`` as ``enlarger serve``), then runs the jobs engine in this process
until the uploaded images' presets are converted (``--no-convert`` leaves the jobs to a
``serve`` or ``worker``). With ``--server URL --api-key KEY`` it POSTs to a running
server, which converts. Folders contribute only files with an image extension; named
files are always sent (the server decides). Duplicates (same bytes already stored) are
counted, not stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, closing
from pathlib import Path
from typing import Annotated

import typer

from enlarger.cli.conversion import InProcessConversion, unfinished_conversions
from enlarger.cli.errors import reported_errors
from enlarger.cli.options import ConfigOption, DataDirOption, load_settings
from enlarger.cli.progress import progress_bar
from enlarger.cli.upload_outcomes import (
    NOT_AN_IMAGE_NAME,
    Sender,
    Sent,
    Summary,
    print_json,
    print_text,
)
from enlarger.cli.upload_remote import remote_sender, server_url
from enlarger.errors import ConfigError, EnlargerError
from enlarger.ingest.service import Ingestor
from enlarger.services import Services, open_services
from enlarger.settings import Settings

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".avif", ".heic", ".heif"}
)


def register(app: typer.Typer) -> None:
    app.command(name="upload")(upload_command)


def upload_command(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Image files and folders (recursive).")
    ],
    server: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Upload to this running server (http://host:port) instead of locally.",
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(envvar="ENLARGER_API_KEY", metavar="KEY", help="API key for --server."),
    ] = None,
    parallel: Annotated[
        int,
        typer.Option(
            min=1, max=64, metavar="N", help="Uploads, then local conversions, at a time."
        ),
    ] = 4,
    convert: Annotated[
        bool,
        typer.Option(
            "--convert/--no-convert",
            help="Local uploads: convert presets now, or only queue them for serve/worker.",
        ),
    ] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document (for scripts).")
    ] = False,
    config: ConfigOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Upload images (and convert their presets); print which file became which image id,
    and what was skipped or rejected and why."""
    with reported_errors():
        files, skipped = find_files(paths)
        if server is None:
            if api_key:
                raise ConfigError("--api-key is for --server: without it the upload is local")
            settings = load_settings(config, data_dir)
            summary = upload_locally(files, settings, parallel, convert)
        elif not api_key:
            raise ConfigError("--server needs --api-key (or ENLARGER_API_KEY)")
        elif not convert:
            raise ConfigError("--no-convert is for local uploads: the server converts")
        else:
            sender = remote_sender(server_url(server), api_key)
            summary = asyncio.run(upload_all(files, sender, parallel))
    for path in skipped:
        summary.add(path, Sent("skipped", NOT_AN_IMAGE_NAME))
    (print_json if as_json else print_text)(summary)
    if summary.failed:
        raise typer.Exit(1)


def find_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The files to send, and the files in the folders that are not sent (by their name)."""
    files: set[Path] = set()
    skipped: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for found in path.rglob("*"):
                if found.is_file():
                    (files if found.suffix.lower() in IMAGE_SUFFIXES else skipped).add(found)
        elif path.is_file():
            files.add(path)
        else:
            raise FileNotFoundError(2, "no such file or folder", str(path))
    return sorted(files), sorted(skipped)


def upload_locally(files: list[Path], settings: Settings, parallel: int, convert: bool) -> Summary:
    """Ingest into the configured store and catalog, then (``convert``) run the presets."""
    with closing(open_services(settings)) as services:
        conversion = InProcessConversion(services, parallel) if convert else None
        summary = asyncio.run(upload_all(files, local_sender(services), parallel))
        if conversion is not None:
            jobs = unfinished_conversions(services.sessions, summary.image_ids)
            summary.conversion = conversion.run_with_progress(jobs)
    return summary


async def upload_all(
    files: list[Path], opener: AbstractAsyncContextManager[Sender], parallel: int
) -> Summary:
    summary = Summary()
    limit = asyncio.Semaphore(parallel)
    with progress_bar("uploading") as progress:
        task = progress.add_task("upload", total=len(files))
        async with opener as send:

            async def one(path: Path) -> None:
                async with limit:
                    sent = await send(path)
                summary.add(path, sent)
                progress.advance(task)

            async with asyncio.TaskGroup() as group:
                for path in files:
                    group.create_task(one(path))
    return summary


@asynccontextmanager
async def local_sender(services: Services) -> AsyncIterator[Sender]:
    ingestor = Ingestor(services.settings, services.store, services.sessions)
    max_bytes = services.settings.ingest.max_upload_bytes

    async def send(path: Path) -> Sent:
        try:
            if path.stat().st_size > max_bytes:
                return Sent("rejected", f"larger than the {max_bytes} byte limit")
            ingested = await ingestor.from_bytes(await asyncio.to_thread(path.read_bytes))
        except EnlargerError as exc:
            return Sent("rejected", exc.message)
        except OSError as exc:
            return Sent("rejected", exc.strerror or str(exc))
        return Sent("uploaded" if ingested.created else "duplicate", image_id=ingested.image.id)

    yield send
