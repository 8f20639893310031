"""Ingest and conversion throughput of ``enlarger serve``, beside raw pyvips on the same presets.

    python benchmarks/ingest_bench.py [--photos 8] [--rounds 3] [--concurrency 4]

Each round, on a fresh temporary data dir (SQLite, local objects, default presets):

* **ingest**: ``enlarger serve`` with ``embedded_worker = false`` as a subprocess; the
  first ``--photos`` JPEGs/PNGs of ``/work/shared/photos`` are POSTed to ``/v1/images``
  by ``enlarger upload --server``'s own code, ``--concurrency`` at a time. Uploads per
  second, from the first request to the last answer (validation, metadata, blurhash,
  store, catalog: everything a client waits for).
* **conversion**: ``enlarger serve`` again on the same data dir, now with its embedded
  worker, which converts the queued jobs (``worker_slots`` at a time: one per CPU, each
  render on one libvips thread, as by default). Presets per second from the jobs' own
  ``started_at``/``finished_at`` (``GET /v1/jobs/{id}``), first start to last finish.
* **raw pyvips**: the same preset renders as plain ``thumbnail_buffer`` + save in this
  process (``convert_bench.bench_raw``), on one thread per CPU with one libvips thread
  each: the most this machine does with the same work and the same parallelism.

Figures are medians over the rounds. The target: conversion at least 85% of raw pyvips.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyvips

from bench_photos import load_photos
from bench_procs import ServerProcess, free_port
from convert_bench import PHOTOS, RAW_PRESETS, bench_raw
from enlarger.catalog.api_keys import create_api_key
from enlarger.cli.upload import upload_all
from enlarger.cli.upload_remote import remote_sender
from enlarger.services import open_services
from enlarger.settings import DEFAULT_PRESETS, Settings

HERE = Path(__file__).resolve().parent
ENLARGER = Path(sys.executable).parent / "enlarger"
START_TIMEOUT_S = 60.0
CONVERT_TIMEOUT_S = 240.0
TARGET = 0.85


@dataclass(frozen=True, slots=True)
class Timing:
    """One stage of one round: wall seconds, and CPU seconds of the process doing the work."""

    wall_s: float
    cpu_s: float


@dataclass(frozen=True, slots=True)
class Round:
    ingest: Timing
    conversion: Timing
    #: the conversion's wall time less the gaps between jobs (sum of the jobs' run times).
    conversion_busy_s: float
    raw: Timing


def new_api_key(data_dir: Path) -> str:
    services = open_services(Settings.load(environ={}, overrides={"data_dir": data_dir}))
    try:
        with services.sessions.begin() as session:
            return create_api_key(session, "ingest-bench")[1]
    finally:
        services.close()


def server(data_dir: Path, embedded_worker: bool) -> ServerProcess:
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ENLARGER_")}
    env = {**inherited, "ENLARGER_EMBEDDED_WORKER": str(embedded_worker).lower()}
    process = ServerProcess(
        name="enlarger",
        argv=[str(ENLARGER), "serve", "--port", str(port), "--data-dir", str(data_dir)],
        port=port,
        cwd=data_dir,
        env=env,
        log_path=data_dir / "serve.log",
    )
    process.start()
    process.wait_listening(START_TIMEOUT_S)
    return process


def ingest(url: str, key: str, files: list[Path], concurrency: int) -> float:
    """Seconds to upload ``files``; every one must be accepted as new."""
    started = time.perf_counter()
    summary = asyncio.run(upload_all(files, remote_sender(url, key), concurrency))
    seconds = time.perf_counter() - started
    if len(summary.of("uploaded")) != len(files):
        raise SystemExit(f"uploads not all accepted: {summary}")
    return seconds


def job_ids(client: httpx.Client) -> list[str]:
    response = client.get("/v1/images", params={"limit": 100})
    response.raise_for_status()
    return [item["job_id"] for item in response.json()["items"]]


def finished_jobs(client: httpx.Client, ids: Sequence[str]) -> list[dict[str, object]]:
    """Poll until every job is done; their reports. A failed job ends the benchmark.

    Each poll asks only up to the first job not done yet, to keep the server quiet.
    """
    done: dict[str, dict[str, object]] = {}
    deadline = time.monotonic() + CONVERT_TIMEOUT_S
    while time.monotonic() < deadline:
        for job_id in ids:
            if job_id in done:
                continue
            report = client.get(f"/v1/jobs/{job_id}").json()
            if report["status"] == "failed":
                raise SystemExit(f"conversion failed: {report['last_error']}")
            if report["status"] != "done":
                break
            done[job_id] = report
        else:
            return [done[job_id] for job_id in ids]
        time.sleep(0.5)
    raise SystemExit(f"conversions not done after {CONVERT_TIMEOUT_S}s")


def conversion_seconds(reports: Sequence[dict[str, object]]) -> tuple[float, float]:
    """(first start to last finish, sum of the jobs' run times) in seconds."""
    starts = [dt.datetime.fromisoformat(str(r["started_at"])) for r in reports]
    ends = [dt.datetime.fromisoformat(str(r["finished_at"])) for r in reports]
    busy = sum((end - start).total_seconds() for start, end in zip(starts, ends, strict=True))
    return (max(ends) - min(starts)).total_seconds(), busy


def one_round(files: list[Path], photos: list[bytes], concurrency: int) -> Round:
    """Ingest into a fresh data dir, convert it, then the raw renders (see the module doc)."""
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as folder:
        data_dir = Path(folder)
        key = new_api_key(data_dir)
        uploader = server(data_dir, embedded_worker=False)
        try:
            cpu = uploader.cpu_seconds()
            ingest_s = ingest(f"http://127.0.0.1:{uploader.port}", key, files, concurrency)
            ingest_cpu_s = uploader.cpu_seconds() - cpu
        finally:
            uploader.stop()
        converter = server(data_dir, embedded_worker=True)
        headers = {"authorization": f"Bearer {key}"}
        try:
            cpu = converter.cpu_seconds()
            base_url = f"http://127.0.0.1:{converter.port}"
            with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
                reports = finished_jobs(client, job_ids(client))
            convert_cpu_s = converter.cpu_seconds() - cpu
        finally:
            converter.stop()
    wall_s, busy_s = conversion_seconds(reports)
    cpu = time.process_time()
    pyvips.concurrency_set(1)
    raw_s = bench_raw(photos, threads=os.cpu_count() or 1)
    raw = Timing(raw_s, time.process_time() - cpu)
    return Round(Timing(ingest_s, ingest_cpu_s), Timing(wall_s, convert_cpu_s), busy_s, raw)


def markdown(rounds: Sequence[Round], names: Sequence[str], concurrency: int) -> str:
    photos, presets = len(names), len(DEFAULT_PRESETS)
    stages = {
        "ingest": ("uploads/s", f"POST /v1/images over HTTP, {concurrency} at a time", photos),
        "conversion": (
            "presets/s",
            "embedded worker, first start to last finish",
            photos * presets,
        ),
        "raw": ("presets/s", "pyvips thumbnail_buffer + save, same presets", photos * presets),
    }

    def timings(stage: str) -> list[Timing]:
        return [getattr(r, stage) for r in rounds]

    def median_wall(stage: str) -> float:
        return statistics.median(t.wall_s for t in timings(stage))

    def median_cpu(stage: str) -> float:
        return statistics.median(t.cpu_s for t in timings(stage))

    lines = [
        "# Ingest and conversion benchmark",
        "",
        f"`python benchmarks/ingest_bench.py --photos {photos} --rounds {len(rounds)} "
        f"--concurrency {concurrency}` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()} with {os.cpu_count()} CPUs (shared with other work), "
        f"Python {platform.python_version()}.",
        "",
        f"Photos ({photos}, from {PHOTOS}): {', '.join(names)}.",
        f"Presets (the defaults, {presets} per photo): "
        + ", ".join(f"`{n}` = `{q}`" for n, q in DEFAULT_PRESETS.items())
        + ".",
        "",
        f"Medians of {len(rounds)} rounds; the rate's range over the rounds in brackets. CPU is "
        "user + system time of the process doing the work (the server for ingest and "
        "conversion, all its threads; this process for raw pyvips).",
        "",
        "| stage | what | rate | unit | wall ms/photo | CPU ms/photo | vs raw (rate) "
        "| vs raw (CPU) |",
        "|---|---|---:|---|---:|---:|---:|---:|",
    ]
    for stage, (unit, what, count) in stages.items():
        wall, cpu = median_wall(stage), median_cpu(stage)
        rates = sorted(count / t.wall_s for t in timings(stage))
        vs_rate = "" if stage == "ingest" else f"{median_wall('raw') / wall:.0%}"
        vs_cpu = "" if stage == "ingest" else f"{median_cpu('raw') / cpu:.0%}"
        lines.append(
            f"| {stage} | {what} | {count / wall:.2f} ({rates[0]:.2f}-{rates[-1]:.2f}) | {unit} "
            f"| {1000 * wall / photos:.0f} | {1000 * cpu / photos:.0f} | {vs_rate} | {vs_cpu} |"
        )
    overlap = statistics.median(r.conversion_busy_s / r.conversion.wall_s for r in rounds)
    ratio = median_wall("raw") / median_wall("conversion")
    verdict = "met" if ratio >= TARGET else "NOT met"
    lines += [
        "",
        f"Conversion jobs running at once, on average: {overlap:.2f}.",
        f"Target (conversion rate at least {TARGET:.0%} of raw pyvips): **{verdict}** "
        f"({ratio:.0%}).",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=8, help=f"the first N in {PHOTOS}")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--output", type=Path, default=HERE / "INGEST_RESULTS.md")
    args = parser.parse_args(argv)
    if set(RAW_PRESETS) != set(DEFAULT_PRESETS):
        raise SystemExit("convert_bench.RAW_PRESETS no longer matches the default presets")
    chosen = load_photos(PHOTOS, max_side=None, limit=args.photos)
    files = [PHOTOS / photo.name for photo in chosen]
    photos = [photo.data for photo in chosen]
    rounds = []
    for n in range(args.rounds):
        rounds.append(one_round(files, photos, args.concurrency))
        print(f"round {n + 1}: {rounds[-1]}", file=sys.stderr)
    report = markdown(rounds, [photo.name for photo in chosen], args.concurrency)
    args.output.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
