"""Render benchmark: raw pyvips, Enlarger, thumbor and sharp over HTTP, side by side.

    python benchmarks/render_bench.py [--photos DIR] [--duration S] [--concurrency 8]

Two workloads, each in JPEG q80, PNG, WebP q75 and AVIF q65: ``fit512``, the ~2 K photos
(longer side 1600-2600 px) fitted into 512x512 (imgproxy's published harness), and
``mixed``, one ~2 K photo fitted into 16 boxes from 400 to 3400 px (half at or above its
size). Every output is checked (HTTP 200, format, dimensions) so a failing engine cannot
look fast. Writes benchmarks/RESULTS.md and benchmarks/.work/results.json. See README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import itertools
import json
import os
import platform
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyvips

import bench_enlarger
import bench_sharp
import bench_thumbor
from bench_formats import FORMATS_BY_NAME, OutputFormat
from bench_http import run_http_load
from bench_load import Measurement, finish
from bench_photos import Photo, Target, load_photos, output_problem
from bench_procs import ServerGroup, free_port
from bench_raw import measure_raw
from bench_report import ENLARGER, RAW, SHARP, THUMBOR, RunInfo, render_markdown

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
BOX = 512
#: the mixed workload's boxes: 400 to 3400 px, every 200.
MIXED_BOXES = tuple(range(400, 3401, 200))
WORKLOADS = ("fit512", "mixed")
#: every request renders, as thumbor's (no result storage) and sharp's do.
NO_RESULT_CACHE = {"ENLARGER_MEMORY_CACHE_BYTES": "0", "ENLARGER_RESULT_STORE_BYTES": "0"}
RAW_CONCURRENCY = (1, 2)
SERVER_START_TIMEOUT_S = 60.0

Cells = dict[tuple[str, str, int], Measurement]
PathFor = Callable[[str, OutputFormat, int], str]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=Path, default=Path("/work/shared/photos"))
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per cell")
    parser.add_argument("--concurrency", type=int, default=8, help="HTTP connections")
    parser.add_argument("--limit", type=int, help="use only the first N photos")
    parser.add_argument("--max-side", type=int, default=2600, help="skip larger photos")
    parser.add_argument("--min-side", type=int, default=1600, help="skip smaller photos")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="fit512,mixed")
    parser.add_argument("--mixed-photo", default="mate_storm.jpg", help="the mixed workload's")
    parser.add_argument(
        "--formats", default=",".join(FORMATS_BY_NAME), help="comma list of jpeg,png,webp,avif"
    )
    parser.add_argument(
        "--engines",
        default="raw,enlarger,thumbor,sharp",
        help="comma list of raw,enlarger,thumbor,sharp",
    )
    parser.add_argument(
        "--enlarger-processes", type=int, default=1, help="enlarger serve --processes"
    )
    parser.add_argument(
        "--enlarger-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a setting for enlarger serve (ENLARGER_*); repeatable",
    )
    parser.add_argument(
        "--enlarger-executable",
        type=lambda path: str(Path(path).resolve()),
        help="another installation's enlarger command (an older revision, to compare)",
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    return parser.parse_args(argv)


def checker(targets: Sequence[Target], fmt: OutputFormat) -> Callable[[int, bytes], str | None]:
    def check(i: int, body: bytes) -> str | None:
        return output_problem(body, fmt, targets[i].photo, targets[i].box)

    return check


def workload_targets(workload: str, photos: Sequence[Photo], mixed: Photo) -> list[Target]:
    if workload == "fit512":
        return [Target(photo, BOX) for photo in photos]
    return [Target(mixed, box) for box in MIXED_BOXES]


@dataclass(frozen=True, slots=True)
class HttpEngine:
    server: ServerGroup
    path_for: PathFor
    #: names of the formats this engine can write.
    formats: frozenset[str]
    #: besides ``--concurrency``, also measured one request at a time (CPU per render).
    sequential_too: bool = False


def measure_server(
    engine: HttpEngine,
    targets: Sequence[Target],
    fmt: OutputFormat,
    label: str,
    concurrency: int,
    args: argparse.Namespace,
) -> Measurement:
    """One validated warm-up pass, then the measured run (skipped if the warm-up failed)."""
    server = engine.server
    paths = [engine.path_for(t.photo.name, fmt, t.box) for t in targets]
    check = checker(targets, fmt)
    recorder, elapsed = run_http_load(server.ports, paths, concurrency, 0, check)
    client_cpu = cpu = 0.0
    if not recorder.error_count:
        cpu_before, client_before = server.cpu_seconds(), time.process_time()
        recorder, elapsed = run_http_load(server.ports, paths, concurrency, args.duration, check)
        client_cpu = time.process_time() - client_before
        cpu = server.cpu_seconds() - cpu_before
    rss = server.peak_rss_mb()
    return finish(server.name, label, concurrency, recorder, elapsed, cpu, client_cpu, rss)


def http_engines(
    names: Sequence[str],
    photos: Path,
    formats: Sequence[OutputFormat],
    versions: list[str],
    unavailable: dict[str, str],
    processes: int = 1,
    enlarger_env: Sequence[str] = (),
    enlarger_executable: str | None = None,
) -> list[HttpEngine]:
    """The HTTP engines asked for that can run here; why the others cannot, in ``unavailable``."""
    all_formats = frozenset(f.name for f in formats)
    engines = []
    if ENLARGER in names:
        reason = bench_enlarger.unavailable_reason()
        if reason:
            unavailable["Enlarger (all formats)"] = reason
        else:
            env = dict(NO_RESULT_CACHE, **dict(pair.split("=", 1) for pair in enlarger_env))
            server = bench_enlarger.enlarger_server(
                WORK, photos, free_port(), processes, env, enlarger_executable
            )
            engines.append(HttpEngine(server, bench_enlarger.enlarger_path, all_formats, True))
    if SHARP in names:
        reason = bench_sharp.unavailable_reason()
        if reason:
            unavailable["sharp (all formats)"] = reason
        else:
            versions.append(bench_sharp.version())
            server = bench_sharp.sharp_server(WORK, photos, free_port())
            engines.append(HttpEngine(server, bench_sharp.sharp_path, all_formats))
    if THUMBOR in names:
        venv = WORK / "thumbor-venv"
        bench_thumbor.ensure_venv(venv)
        versions.append(bench_thumbor.versions(venv))
        thumbor_formats = all_formats
        if not bench_thumbor.avif_available(venv):
            thumbor_formats -= {"avif"}
            unavailable["thumbor avif"] = "neither Pillow nor pillow-avif-plugin has AVIF"
        server = bench_thumbor.thumbor_server(venv, WORK, photos)
        engines.append(HttpEngine(server, bench_thumbor.thumbor_path, thumbor_formats))
    return engines


def summary(m: Measurement) -> str:
    if not m.ok:
        return f"FAILED {m.error_count}/{m.requests}: {m.errors[:1]}"
    return (
        f"{m.requests} in {m.elapsed_s:.1f}s, {m.rps:.1f} req/s, "
        f"{m.cpu_ms_per_request:.1f} CPU-ms/req, p95 {m.latency_ms(95):.0f} ms"
    )


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores ({model}), shared with other engineers and noisy"


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    engines = args.engines.split(",")
    formats = [FORMATS_BY_NAME[name] for name in args.formats.split(",")]
    workloads = args.workloads.split(",")
    all_photos = load_photos(args.photos, None, None)
    photos = load_photos(args.photos, args.max_side, args.limit, args.min_side)
    mixed = next(p for p in all_photos if p.name == args.mixed_photo)
    WORK.mkdir(exist_ok=True)
    versions = [
        f"libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}",
        f"pyvips {pyvips.__version__}",
        f"Enlarger {bench_enlarger.version()}",
        f"Python {platform.python_version()}",
    ]
    cells: Cells = {}
    unavailable: dict[str, str] = {}
    notes: list[str] = []
    started = datetime.datetime.now(datetime.UTC)
    print(f"{len(photos)} photos, formats {args.formats}, {args.duration:g}s per cell")
    servers = http_engines(
        engines,
        args.photos,
        formats,
        versions,
        unavailable,
        args.enlarger_processes,
        args.enlarger_env,
        args.enlarger_executable,
    )
    with contextlib.ExitStack() as stack:
        for engine in servers:
            stack.callback(engine.server.stop)
            engine.server.start()
        for engine in list(servers):
            try:
                engine.server.wait_listening(SERVER_START_TIMEOUT_S)
            except RuntimeError as exc:
                unavailable[f"{engine.server.name} (all formats)"] = str(exc).replace("\n", " ")
                servers.remove(engine)
        # Engines take turns within each format, so the noise of this shared machine falls
        # on all of them alike rather than on whichever ran while it was busy.
        for workload, fmt in itertools.product(workloads, formats):
            targets = workload_targets(workload, photos, mixed)
            label = f"{workload} {fmt.name}"
            if "raw" in engines:
                for concurrency in RAW_CONCURRENCY:
                    cell = measure_raw(args.photos, targets, fmt, label, concurrency, args.duration)
                    cells[RAW, label, concurrency] = cell
                    print(f"  {RAW} {label} c={concurrency}: {summary(cell)}")
            for engine in servers:
                if fmt.name not in engine.formats:
                    continue
                for concurrency in ((1,) if engine.sequential_too else ()) + (args.concurrency,):
                    cell = measure_server(engine, targets, fmt, label, concurrency, args)
                    cells[engine.server.name, label, concurrency] = cell
                    print(f"  {cell.engine} {label} c={concurrency}: {summary(cell)}")

    finished = datetime.datetime.now(datetime.UTC)
    notes.append(f"total run time {(finished - started).total_seconds() / 60:.1f} min")
    info = RunInfo(
        date=started.strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine(),
        versions=versions,
        command=shlex.join(["python", "benchmarks/render_bench.py", *argv]),
        photos=[p.name for p in photos],
        skipped_photos=sorted({p.name for p in all_photos} - {p.name for p in photos}),
        duration_s=args.duration,
        concurrency=args.concurrency,
        mixed_photo=f"{mixed.name} ({mixed.width}x{mixed.height})",
        workloads=workloads,
    )
    names = [f"{w} {f.name}" for w, f in itertools.product(workloads, formats)]
    args.output.write_text(render_markdown(info, cells, names, unavailable, notes))
    dump = [dataclasses.asdict(m) for m in cells.values()]
    (WORK / "results.json").write_text(json.dumps(dump, indent=1))
    print(f"wrote {args.output}")
    return 0 if all(m.ok for m in cells.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
