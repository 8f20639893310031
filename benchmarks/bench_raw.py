"""The baseline: the raw pyvips calls, no HTTP, no Enlarger.

``thumbnail_buffer`` (shrink-on-load, no enlarging, like ``fit=max``) then the saver with
Enlarger's options. Each cell runs in a fresh process (``measure_raw``) so that its CPU
time (all libvips threads included) and peak RSS are its own and nothing else's.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pyvips

from bench_formats import FORMATS_BY_NAME, OutputFormat
from bench_load import Measurement, Recorder, Schedule, finish
from bench_photos import Target, load_photos, output_problem
from bench_procs import peak_rss_mb
from bench_report import RAW


def render_raw(target: Target, fmt: OutputFormat) -> bytes:
    box = target.box
    image = pyvips.Image.thumbnail_buffer(target.photo.data, box, height=box, size="down")
    return bytes(image.write_to_buffer(fmt.vips_suffix, **fmt.vips_options))


def run_raw_load(
    targets: Sequence[Target],
    fmt: OutputFormat,
    concurrency: int,
    duration_s: float,
    check: Callable[[int, bytes], str | None] | None,
) -> tuple[Recorder, float, float]:
    """Render ``targets`` in whole passes on ``concurrency`` threads for ``duration_s``.

    ``check`` (used in the warm-up) validates each output; measured runs pass None so that
    validation CPU does not count. Returns outcomes, elapsed seconds and CPU seconds.
    """
    recorder = Recorder()
    schedule = Schedule(len(targets), duration_s)
    failed = threading.Event()

    def work() -> None:
        while not failed.is_set() and (i := schedule.next_index()) is not None:
            started = time.perf_counter()
            try:
                body = render_raw(targets[i], fmt)
            except pyvips.Error as exc:
                name = targets[i].photo.name
                recorder.record(time.perf_counter() - started, 0, f"{name}: {exc}")
                failed.set()
                continue
            latency = time.perf_counter() - started
            recorder.record(latency, len(body), check(i, body) if check else None)

    cpu_before = time.process_time()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(work) for _ in range(concurrency)]:
            future.result()
    cpu_s = time.process_time() - cpu_before
    return recorder, time.perf_counter() - schedule.started, cpu_s


def _raw_cell(
    folder: Path,
    wanted: Sequence[tuple[str, int]],
    fmt_name: str,
    label: str,
    concurrency: int,
    duration_s: float,
) -> Measurement:
    """One cell in this (fresh) process: a validated warm-up pass, then the measured run."""
    pyvips.cache_set_max(0)
    fmt = FORMATS_BY_NAME[fmt_name]
    photos = {p.name: p for p in load_photos(folder, None, None)}
    targets = [Target(photos[name], box) for name, box in wanted]

    def check(i: int, body: bytes) -> str | None:
        return output_problem(body, fmt, targets[i].photo, targets[i].box)

    recorder, elapsed, cpu_s = run_raw_load(targets, fmt, 1, 0, check)
    if not recorder.error_count:
        recorder, elapsed, cpu_s = run_raw_load(targets, fmt, concurrency, duration_s, None)
    rss = (peak_rss_mb(os.getpid()),)
    return finish(RAW, label, concurrency, recorder, elapsed, cpu_s, 0.0, rss)


def measure_raw(
    folder: Path,
    targets: Sequence[Target],
    fmt: OutputFormat,
    label: str,
    concurrency: int,
    duration_s: float,
) -> Measurement:
    """Measure one raw pyvips cell (named ``label``) in a fresh spawned process."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        wanted = [(t.photo.name, t.box) for t in targets]
        future = pool.submit(_raw_cell, folder, wanted, fmt.name, label, concurrency, duration_s)
        return future.result()
