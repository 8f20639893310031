"""``enlarger replay``: replay an access log against a deployment and report on it."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from enlarger.cli.errors import reported_errors
from enlarger.replay.logs import LogRead, read_targets
from enlarger.replay.report import summary_lines, timeline_rows, write_report
from enlarger.replay.run import Load, send_all
from enlarger.replay.stats import summarize
from enlarger.replay.targets import check_target

LogArgument = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, help="Enlarger JSON or nginx combined log.")
]
TargetOption = Annotated[str, typer.Option(help="Base URL of the deployment.")]
AllowHostOption = Annotated[
    list[str],
    typer.Option(
        "--allow-host",
        envvar="ENLARGER_REPLAY_HOSTS",
        help="A non-loopback host that may receive the load (repeat for more).",
    ),
]
ConcurrencyOption = Annotated[int, typer.Option(min=1, max=1024, help="Requests in flight.")]


def register(app: typer.Typer) -> None:
    app.command(name="replay")(replay_command)


def replay_command(
    log: LogArgument,
    target: TargetOption,
    report: Annotated[Path, typer.Option(help="Folder for report.md and its chart.")],
    concurrency: ConcurrencyOption = 8,
    duration: Annotated[float, typer.Option(min=0.1, max=86400, help="Seconds at most.")] = 60.0,
    rate: Annotated[
        float | None, typer.Option(min=0.1, help="Requests per second (default: unpaced).")
    ] = None,
    max_requests: Annotated[int, typer.Option(min=1, help="Requests at most.")] = 100_000,
    allow_host: AllowHostOption = [],  # noqa: B006  (Typer reads the default)
) -> None:
    """Send the log's GET/HEAD requests in order and measure the answers."""
    with reported_errors():
        base = check_target(target, allow_host)
        read = LogRead()
        load = Load(concurrency, duration, max_requests, rate)
        samples, took = asyncio.run(send_all(base, read_targets(log, read), load))
        summary = summarize(samples, took)
        formats = ", ".join(f"{n} {kind}" for kind, n in read.formats.items()) or "none"
        heading = [
            f"log: {log.name} ({formats} lines read; {read.skipped} skipped)",
            f"target: {base}; concurrency {concurrency}; rate {rate or 'unpaced'}; "
            f"bounds {duration:g} s, {max_requests} requests",
            f"run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        ]
        written = write_report(report, summary, heading)
    for line in [*summary_lines(summary), "", "hit ratio over time:", *timeline_rows(summary)]:
        typer.echo(line)
    typer.echo(f"report: {written}")
