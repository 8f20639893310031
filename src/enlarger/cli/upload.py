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
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import httpx
import structlog
import typer

from enlarger.cli.conversion import ConversionTally, InProcessConversion, unfinished_conversions
from enlarger.cli.errors import reported_errors
from enlarger.cli.options import ConfigOption
from enlarger.cli.progress import progress_bar
from enlarger.errors import ConfigError, EnlargerError
from enlarger.ingest.service import Ingestor
from enlarger.services import Services, open_services
from enlarger.settings import Settings

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".avif", ".heic", ".heif"}
)

Outcome = Literal["uploaded", "duplicate", "rejected"]


@dataclass(frozen=True, slots=True)
class Sent:
    """One file's outcome; ``reason`` says why it was rejected, ``image_id`` (local) what
    it was stored as."""

    outcome: Outcome
    reason: str = ""
    image_id: str | None = None


#: uploads one file.
Sender = Callable[[Path], Awaitable[Sent]]


@dataclass
class Summary:
    uploaded: int = 0
    duplicates: int = 0
    rejected: list[tuple[Path, str]] = field(default_factory=list)
    #: the images uploaded or found as duplicates (local uploads only).
    image_ids: set[str] = field(default_factory=set)
    #: None when nothing was converted here (``--server``, ``--no-convert``).
    conversion: ConversionTally | None = None

    def add(self, path: Path, sent: Sent) -> None:
        if sent.image_id is not None:
            self.image_ids.add(sent.image_id)
        if sent.outcome == "uploaded":
            self.uploaded += 1
        elif sent.outcome == "duplicate":
            self.duplicates += 1
        else:
            self.rejected.append((path, sent.reason))

    @property
    def failed(self) -> bool:
        return bool(self.rejected) or (self.conversion is not None and self.conversion.failed > 0)


def register(app: typer.Typer) -> None:
    app.command(name="upload")(upload_command)


def upload_command(
    paths: Annotated[list[Path], typer.Argument(help="Image files and folders (recursive).")],
    server: Annotated[
        str | None, typer.Option(help="Upload to this running server instead of locally.")
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(envvar="ENLARGER_API_KEY", help="API key for --server.")
    ] = None,
    parallel: Annotated[
        int, typer.Option(min=1, max=64, help="Uploads, then local conversions, at a time.")
    ] = 4,
    convert: Annotated[
        bool,
        typer.Option(
            "--convert/--no-convert",
            help="Local uploads: convert presets now, or only queue them for serve/worker.",
        ),
    ] = True,
    config: ConfigOption = None,
) -> None:
    """Upload images (and convert their presets); print what was uploaded, skipped, rejected."""
    with reported_errors():
        files = sorted(set(expand(paths)))
        if server is None:
            summary = upload_locally(files, Settings.load(config_file=config), parallel, convert)
        elif not api_key:
            raise ConfigError("--server needs --api-key (or ENLARGER_API_KEY)")
        elif not convert:
            raise ConfigError("--no-convert is for local uploads: the server converts")
        else:
            summary = asyncio.run(upload_all(files, remote_sender(server, api_key), parallel))
    typer.echo(f"uploaded:           {summary.uploaded}")
    typer.echo(f"duplicates skipped: {summary.duplicates}")
    typer.echo(f"rejected:           {len(summary.rejected)}")
    for path, reason in summary.rejected:
        typer.echo(f"  {path}: {reason}")
    if summary.conversion is not None:
        typer.echo(f"presets converted:  {summary.conversion.converted}")
        typer.echo(f"presets failed:     {summary.conversion.failed}")
    if summary.failed:
        raise typer.Exit(1)


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from (
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
            )
        elif path.is_file():
            yield path
        else:
            raise FileNotFoundError(2, "no such file or folder", str(path))


def upload_locally(files: list[Path], settings: Settings, parallel: int, convert: bool) -> Summary:
    """Ingest into the configured store and catalog, then (``convert``) run the presets."""
    with closing(open_services(settings)) as services:
        conversion = InProcessConversion(services, parallel) if convert else None
        summary = asyncio.run(upload_all(files, local_sender(services), parallel))
        if conversion is not None:
            jobs = unfinished_conversions(services.sessions, summary.image_ids)
            with progress_bar("converting") as progress, _job_warnings_only():
                task = progress.add_task("convert", total=len(jobs))
                summary.conversion = conversion.run(jobs, lambda n: progress.advance(task, n))
    return summary


@contextmanager
def _job_warnings_only() -> Iterator[None]:
    """While converting, the jobs engine logs only warnings (failed attempts), on stderr:
    a line per finished job would bury the summary. structlog's settings are restored."""
    saved = structlog.get_config()
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    try:
        yield
    finally:
        structlog.configure(**saved)


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


@asynccontextmanager
async def remote_sender(server: str, api_key: str) -> AsyncIterator[Sender]:
    headers = {"authorization": f"Bearer {api_key}"}
    timeout = httpx.Timeout(120.0, connect=10.0)
    async with httpx.AsyncClient(base_url=server, headers=headers, timeout=timeout) as client:

        async def send(path: Path) -> Sent:
            try:
                data = await asyncio.to_thread(path.read_bytes)
                response = await client.post("/v1/images", files={"file": (path.name, data)})
            except (OSError, httpx.HTTPError) as exc:
                return Sent("rejected", str(exc) or type(exc).__name__)
            if response.status_code == 201:
                return Sent("uploaded")
            if response.status_code == 200:
                return Sent("duplicate")
            return Sent("rejected", _reason(response))

        yield send


def _reason(response: httpx.Response) -> str:
    try:
        message = response.json().get("message")
    except ValueError:
        message = None
    return f"HTTP {response.status_code}: {message or response.reason_phrase}"
