"""Ingest and conversion throughput of ``enlarger serve``, beside raw pyvips on the same presets.

    python benchmarks/ingest_bench.py [--photos 8] [--rounds 3] [--concurrency 4]

Each round, on a fresh temporary data dir (SQLite, local objects, default presets):

* **ingest**: ``enlarger serve`` with ``embedded_worker = false`` as a subprocess; the
  first ``--photos`` JPEGs/PNGs of ``/work/shared/photos`` are POSTed to ``/v1/images``
  by ``enlarger upload --server``'s own code, ``--concurrency`` at a time. Uploads per
  second, from the first request to the last answer (validation, metadata, blurhash,
  store, catalog: everything a client waits for).
* **conversion**: ``enlarger serve`` again on the same data dir, now with its embedded
  worker, which converts the queued jobs (one job at a time, as by default). Presets per
  second from the jobs' own ``started_at``/``finished_at`` (``GET /v1/jobs/{id}``):
  *wall* from the first start to the last finish, *busy* over the sum of the jobs' run
  times (without the gaps between jobs).
* **raw pyvips**: the same preset renders as plain ``thumbnail_buffer`` + save in this
  process (``convert_bench.bench_raw``), one photo at a time.

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

from bench_photos import load_photos
from bench_procs import ServerProcess, free_port
from convert_bench import PHOTOS, RAW_PRESETS, bench_raw
from enlarger.catalog.repository import create_api_key
from enlarger.cli.upload import remote_sender, upload_all
from enlarger.services import open_services
from enlarger.settings import DEFAULT_PRESETS, Settings

HERE = Path(__file__).resolve().parent
ENLARGER = Path(sys.executable).parent / "enlarger"
START_TIMEOUT_S = 60.0
CONVERT_TIMEOUT_S = 240.0
TARGET = 0.85


@dataclass(frozen=True, slots=True)
class Round:
    ingest_s: float
    convert_wall_s: float
    convert_busy_s: float
    raw_s: float


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
    if summary.uploaded != len(files):
        raise SystemExit(f"uploads not all accepted: {summary}")
    return seconds


def job_ids(client: httpx.Client) -> list[str]:
    response = client.get("/v1/images", params={"limit": 100})
    response.raise_for_status()
    return [item["job_id"] for item in response.json()["items"]]


def finished_jobs(client: httpx.Client, ids: Sequence[str]) -> list[dict[str, object]]:
    """Poll until every job is done; their reports. A failed job ends the benchmark."""
    deadline = time.monotonic() + CONVERT_TIMEOUT_S
    while time.monotonic() < deadline:
        reports = [client.get(f"/v1/jobs/{job_id}").json() for job_id in ids]
        failed = [r for r in reports if r["status"] == "failed"]
        if failed:
            raise SystemExit(f"conversion failed: {failed[0]['last_error']}")
        if all(r["status"] == "done" for r in reports):
            return reports
        time.sleep(0.5)
    raise SystemExit(f"conversions not done after {CONVERT_TIMEOUT_S}s")


def conversion_seconds(reports: Sequence[dict[str, object]]) -> tuple[float, float]:
    """(first start to last finish, sum of the jobs' run times) in seconds."""
    starts = [dt.datetime.fromisoformat(str(r["started_at"])) for r in reports]
    ends = [dt.datetime.fromisoformat(str(r["finished_at"])) for r in reports]
    busy = sum((end - start).total_seconds() for start, end in zip(starts, ends, strict=True))
    return (max(ends) - min(starts)).total_seconds(), busy


def one_round(files: list[Path], photos: list[bytes], concurrency: int) -> Round:
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as folder:
        data_dir = Path(folder)
        key = new_api_key(data_dir)
        uploader = server(data_dir, embedded_worker=False)
        try:
            ingest_s = ingest(f"http://127.0.0.1:{uploader.port}", key, files, concurrency)
        finally:
            uploader.stop()
        converter = server(data_dir, embedded_worker=True)
        base_url = f"http://127.0.0.1:{converter.port}"
        headers = {"authorization": f"Bearer {key}"}
        try:
            with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
                reports = finished_jobs(client, job_ids(client))
        finally:
            converter.stop()
    wall_s, busy_s = conversion_seconds(reports)
    return Round(ingest_s, wall_s, busy_s, bench_raw(photos))


def markdown(rounds: Sequence[Round], names: Sequence[str], concurrency: int) -> str:
    photos, presets = len(names), len(DEFAULT_PRESETS)
    renders = photos * presets

    def median(field: str) -> float:
        return statistics.median(float(getattr(r, field)) for r in rounds)

    def spread(field: str, per: int) -> str:
        rates = sorted(per / getattr(r, field) for r in rounds)
        return f"{rates[0]:.2f}-{rates[-1]:.2f}"

    raw = median("raw_s")
    rows = [
        ("ingest", "uploads/s", f"POST /v1/images over HTTP, {concurrency} at a time", "ingest_s"),
        (
            "conversion, wall",
            "presets/s",
            "embedded worker, first start to last finish",
            "convert_wall_s",
        ),
        (
            "conversion, busy",
            "presets/s",
            "embedded worker, sum of job run times",
            "convert_busy_s",
        ),
        ("raw pyvips", "presets/s", "thumbnail_buffer + save, same options", "raw_s"),
    ]
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
        f"Medians of {len(rounds)} rounds (range over the rounds in brackets).",
        "",
        "| stage | what | rate | unit | ms per photo | vs raw pyvips |",
        "|---|---|---:|---|---:|---:|",
    ]
    for stage, unit, what, field in rows:
        per = photos if field == "ingest_s" else renders
        seconds = median(field)
        ratio = "" if field == "ingest_s" else f"{raw / seconds:.0%}"
        lines.append(
            f"| {stage} | {what} | {per / seconds:.2f} ({spread(field, per)}) | {unit} "
            f"| {1000 * seconds / photos:.0f} | {ratio} |"
        )
    verdict = "met" if raw / median("convert_wall_s") >= TARGET else "NOT met"
    lines += [
        "",
        f"Target (conversion, wall, at least {TARGET:.0%} of raw pyvips): **{verdict}**.",
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
