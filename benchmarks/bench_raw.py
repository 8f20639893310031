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
from bench_photos import Photo, load_photos, output_problem
from bench_procs import peak_rss_mb
from bench_report import RAW


def render_raw(photo: Photo, fmt: OutputFormat, box: int) -> bytes:
    image = pyvips.Image.thumbnail_buffer(photo.data, box, height=box, size="down")
    return bytes(image.write_to_buffer(fmt.vips_suffix, **fmt.vips_options))


def run_raw_load(
    photos: Sequence[Photo],
    fmt: OutputFormat,
    box: int,
    concurrency: int,
    duration_s: float,
    check: Callable[[int, bytes], str | None] | None,
) -> tuple[Recorder, float, float]:
    """Render ``photos`` in whole passes on ``concurrency`` threads for ``duration_s``.

    ``check`` (used in the warm-up) validates each output; measured runs pass None so that
    validation CPU does not count. Returns outcomes, elapsed seconds and CPU seconds.
    """
    recorder = Recorder()
    schedule = Schedule(len(photos), duration_s)
    failed = threading.Event()

    def work() -> None:
        while not failed.is_set() and (i := schedule.next_index()) is not None:
            started = time.perf_counter()
            try:
                body = render_raw(photos[i], fmt, box)
            except pyvips.Error as exc:
                recorder.record(time.perf_counter() - started, 0, f"{photos[i].name}: {exc}")
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
    folder: Path, names: Sequence[str], fmt_name: str, box: int, concurrency: int, duration_s: float
) -> Measurement:
    """One cell in this (fresh) process: a validated warm-up pass, then the measured run."""
    pyvips.cache_set_max(0)
    fmt = FORMATS_BY_NAME[fmt_name]
    photos = [p for p in load_photos(folder, None, None) if p.name in set(names)]

    def check(i: int, body: bytes) -> str | None:
        return output_problem(body, fmt, photos[i], box)

    recorder, elapsed, cpu_s = run_raw_load(photos, fmt, box, 1, 0, check)
    if not recorder.error_count:
        recorder, elapsed, cpu_s = run_raw_load(photos, fmt, box, concurrency, duration_s, None)
    rss = (peak_rss_mb(os.getpid()),)
    return finish(RAW, fmt_name, concurrency, recorder, elapsed, cpu_s, 0.0, rss)


def measure_raw(
    folder: Path,
    photos: Sequence[Photo],
    fmt: OutputFormat,
    box: int,
    concurrency: int,
    duration_s: float,
) -> Measurement:
    """Measure one raw pyvips cell in a fresh spawned process."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        names = [p.name for p in photos]
        future = pool.submit(_raw_cell, folder, names, fmt.name, box, concurrency, duration_s)
        return future.result()
