"""``enlarger warm``: fill a deployment's caches from a log, most requested first."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from enlarger.cli.errors import reported_errors
from enlarger.cli.progress import progress_bar
from enlarger.cli.replay import AllowHostOption, ConcurrencyOption, LogArgument, TargetOption
from enlarger.replay.logs import popularity, read_targets
from enlarger.replay.run import Load, send_all
from enlarger.replay.stats import Sample, hit_ratio
from enlarger.replay.targets import check_target
from enlarger.replay.warm import plan_warming


def register(app: typer.Typer) -> None:
    app.command(name="warm")(warm_command)


def warm_command(
    log: LogArgument,
    target: TargetOption,
    hit_ratio_target: Annotated[
        float,
        typer.Option("--hit-ratio", min=0.0, max=1.0, help="Share of the log's requests to cover."),
    ] = 0.95,
    concurrency: ConcurrencyOption = 4,
    max_urls: Annotated[
        int, typer.Option(min=1, help="Distinct URLs to request at most.")
    ] = 100_000,
    duration: Annotated[float, typer.Option(min=0.1, help="Seconds at most.")] = 3600.0,
    allow_host: AllowHostOption = [],  # noqa: B006  (Typer reads the default)
) -> None:
    """Request the log's most requested URLs until they cover the target hit ratio."""
    with reported_errors():
        base = check_target(target, allow_host)
        plan = plan_warming(popularity(read_targets(log)), hit_ratio_target, max_urls)
        samples: list[Sample] = []
        with progress_bar("warming") as progress:
            task = progress.add_task("warm", total=len(plan.targets))

            def advance(sample: Sample) -> None:
                samples.append(sample)
                progress.advance(task)

            load = Load(concurrency, duration, len(plan.targets))
            _, took = asyncio.run(send_all(base, plan.targets, load, advance))
    failed = sum(not 200 <= s.status < 400 for s in samples)
    already = hit_ratio(samples)
    typer.echo(
        f"warmed {len(samples)} of {len(plan.targets)} URLs in {took:.1f} s, covering "
        f"{plan.coverage:.1%} of the log's requests; {failed} failed; "
        f"already cached: {'-' if already is None else f'{already:.1%}'}"
    )
    if failed:
        raise typer.Exit(1)
