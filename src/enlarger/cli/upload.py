"""``enlarger upload PATH...``: upload files and folders (recursively), a few at a time.

Without ``--server`` it ingests straight into the configured data dir and store (the
same ``Settings.load`` as ``enlarger serve``); committed conversion jobs wait for a
running ``serve`` or ``worker``. With ``--server URL --api-key KEY`` it POSTs to a running
server. Folders contribute only files with an image extension; named files are always
sent (the server decides). Duplicates (same bytes already stored) are counted, not stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from enlarger.cli.errors import reported_errors
from enlarger.errors import ConfigError, EnlargerError
from enlarger.ingest.service import Ingestor
from enlarger.services import open_services
from enlarger.settings import Settings

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".avif", ".heic", ".heif"}
)

Outcome = Literal["uploaded", "duplicate", "rejected"]
#: uploads one file: its outcome and, when rejected, why.
Sender = Callable[[Path], Awaitable[tuple[Outcome, str]]]


@dataclass
class Summary:
    uploaded: int = 0
    duplicates: int = 0
    rejected: list[tuple[Path, str]] = field(default_factory=list)

    def add(self, path: Path, outcome: Outcome, reason: str) -> None:
        if outcome == "uploaded":
            self.uploaded += 1
        elif outcome == "duplicate":
            self.duplicates += 1
        else:
            self.rejected.append((path, reason))


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
    parallel: Annotated[int, typer.Option(min=1, max=64, help="Uploads at a time.")] = 4,
    config: Annotated[
        Path | None, typer.Option(help="TOML settings file [ENLARGER_CONFIG].")
    ] = None,
) -> None:
    """Upload images; print how many were uploaded, skipped as duplicates or rejected."""
    with reported_errors():
        files = sorted(set(expand(paths)))
        if server is not None and not api_key:
            raise ConfigError("--server needs --api-key (or ENLARGER_API_KEY)")
        opener = (
            remote_sender(server, api_key or "")
            if server is not None
            else local_sender(Settings.load(config_file=config))
        )
        summary = asyncio.run(upload_all(files, opener, parallel))
    typer.echo(f"uploaded:           {summary.uploaded}")
    typer.echo(f"duplicates skipped: {summary.duplicates}")
    typer.echo(f"rejected:           {len(summary.rejected)}")
    for path, reason in summary.rejected:
        typer.echo(f"  {path}: {reason}")
    if summary.rejected:
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


async def upload_all(
    files: list[Path], opener: AbstractAsyncContextManager[Sender], parallel: int
) -> Summary:
    summary = Summary()
    limit = asyncio.Semaphore(parallel)
    with Progress(
        TextColumn("uploading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("upload", total=len(files))
        async with opener as send:

            async def one(path: Path) -> None:
                async with limit:
                    outcome, reason = await send(path)
                summary.add(path, outcome, reason)
                progress.advance(task)

            async with asyncio.TaskGroup() as group:
                for path in files:
                    group.create_task(one(path))
    return summary


@asynccontextmanager
async def local_sender(settings: Settings) -> AsyncIterator[Sender]:
    services = open_services(settings)
    ingestor = Ingestor(settings, services.store, services.sessions)
    max_bytes = settings.ingest.max_upload_bytes

    async def send(path: Path) -> tuple[Outcome, str]:
        try:
            if path.stat().st_size > max_bytes:
                return "rejected", f"larger than the {max_bytes} byte limit"
            ingested = await ingestor.from_bytes(await asyncio.to_thread(path.read_bytes))
        except EnlargerError as exc:
            return "rejected", exc.message
        except OSError as exc:
            return "rejected", exc.strerror or str(exc)
        return ("uploaded" if ingested.created else "duplicate"), ""

    try:
        yield send
    finally:
        services.close()


@asynccontextmanager
async def remote_sender(server: str, api_key: str) -> AsyncIterator[Sender]:
    headers = {"authorization": f"Bearer {api_key}"}
    timeout = httpx.Timeout(120.0, connect=10.0)
    async with httpx.AsyncClient(base_url=server, headers=headers, timeout=timeout) as client:

        async def send(path: Path) -> tuple[Outcome, str]:
            try:
                data = await asyncio.to_thread(path.read_bytes)
                response = await client.post("/v1/images", files={"file": (path.name, data)})
            except (OSError, httpx.HTTPError) as exc:
                return "rejected", str(exc) or type(exc).__name__
            if response.status_code == 201:
                return "uploaded", ""
            if response.status_code == 200:
                return "duplicate", ""
            return "rejected", _reason(response)

        yield send


def _reason(response: httpx.Response) -> str:
    try:
        message = response.json().get("message")
    except ValueError:
        message = None
    return f"HTTP {response.status_code}: {message or response.reason_phrase}"
