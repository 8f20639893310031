"""Conversion throughput: the default presets through the convert job, beside raw pyvips.

    python benchmarks/convert_bench.py [--photos a.jpg,b.png] [--rounds 3]

Three measurements on the same photos, one job (one thread) at a time:

* **job**: one ``convert`` job per photo run by an embedded worker (SQLite catalog and a
  local object store in a temporary folder): claim, read the original, render and store
  every preset, upsert the derivative rows, mark the job done.
* **render**: ``enlarger.imaging.render`` per preset: the pixel work inside the job.
* **raw**: plain pyvips per preset: ``thumbnail_buffer`` (shrink-on-load) and the saver
  with Enlarger's options, no probing, planning, colour management or checks.

Each figure is the median of ``--rounds`` runs over all photos, in presets per second.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyvips

from enlarger.catalog.db import make_engine, session_factory
from enlarger.catalog.images import add_image
from enlarger.catalog.jobs import enqueue, get_job
from enlarger.catalog.migrations import migrate
from enlarger.catalog.models import Image, JobStatus
from enlarger.imaging import probe, render
from enlarger.jobs.convert import KIND
from enlarger.jobs.worker import Worker, build_queue
from enlarger.presets import validate_presets
from enlarger.services import preset_options
from enlarger.settings import DEFAULT_PRESETS, ConvertSettings, Settings
from enlarger.storage import open_store
from enlarger.storage.keys import original_key

PHOTOS = Path("/work/shared/photos")
DEFAULT_PHOTOS = "lomiri16_bridge.jpg,plasma_kite.jpg,mate_storm.jpg,mate_cold_icc.png"
NO_METADATA = pyvips.enums.ForeignKeep.NONE
#: stored presets are encoded with ``[convert]``'s effort, so the raw call uses it too.
WEBP_EFFORT = ConvertSettings().convert_webp_effort

#: the default presets written as plain pyvips calls (see settings.DEFAULT_PRESETS).
RAW_PRESETS: dict[str, Callable[[bytes], bytes]] = {
    "thumb": lambda data: pyvips.Image.thumbnail_buffer(
        data, 200, height=200, crop="centre"
    ).webpsave_buffer(Q=75, effort=WEBP_EFFORT, keep=NO_METADATA),
    "small": lambda data: pyvips.Image.thumbnail_buffer(data, 480, size="down").webpsave_buffer(
        Q=75, effort=WEBP_EFFORT, keep=NO_METADATA
    ),
    "medium": lambda data: pyvips.Image.thumbnail_buffer(data, 1080, size="down").jpegsave_buffer(
        Q=80, optimize_coding=True, keep=NO_METADATA
    ),
    "large": lambda data: pyvips.Image.thumbnail_buffer(data, 2048, size="down").jpegsave_buffer(
        Q=82, optimize_coding=True, keep=NO_METADATA
    ),
}


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def bench_raw(photos: Sequence[bytes], threads: int = 1) -> float:
    """Seconds for every raw preset render of ``photos``, spread over ``threads`` threads."""
    work = [(raw, data) for data in photos for raw in RAW_PRESETS.values()]
    if threads == 1:
        return timed(lambda: [raw(data) for raw, data in work])
    with ThreadPoolExecutor(threads) as pool:
        return timed(lambda: list(pool.map(lambda item: item[0](item[1]), work)))


def bench_render(photos: Sequence[bytes], settings: Settings) -> float:
    specs = validate_presets(settings.presets).values()
    options = preset_options(settings)
    return timed(
        lambda: [render(data, spec, frozenset(), options) for data in photos for spec in specs]
    )


class JobBench:
    """A catalog and store with the photos uploaded; ``run`` converts them all once."""

    def __init__(self, photos: Sequence[bytes], folder: Path) -> None:
        url = f"sqlite:///{folder / 'catalog.sqlite3'}"
        migrate(url)
        self.settings = Settings.load(
            environ={}, overrides={"data_dir": folder, "database_url": url}
        )
        self.engine = make_engine(url)
        self.sessions = session_factory(self.engine)
        self.store = open_store("", folder)
        self.image_ids = [self._upload(data) for data in photos]

    def _upload(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        facts = probe(data)
        key = original_key(sha256, facts.loader)
        asyncio.run(self.store.put(key, data))
        with self.sessions.begin() as session:
            image = Image(
                sha256=sha256,
                original_key=key,
                format=facts.loader,
                width=facts.width,
                height=facts.height,
                bytes=len(data),
            )
            add_image(session, image)
        return image.id

    def run(self) -> float:
        with self.sessions.begin() as session:
            job_ids = [enqueue(session, KIND, {}, image_id=i).id for i in self.image_ids]
        worker = Worker(build_queue(self.settings, self.sessions, lambda: self.store), 1)
        started = time.perf_counter()
        worker.start()
        worker.dispatch()
        try:
            while not all(self._done(job_id) for job_id in job_ids):
                time.sleep(0.005)
            return time.perf_counter() - started
        finally:
            worker.stop()

    def _done(self, job_id: str) -> bool:
        with self.sessions() as session:
            job = get_job(session, job_id)
            if job is not None and job.status is JobStatus.FAILED:
                raise SystemExit(f"convert job failed: {job.last_error}")
            return job is not None and job.status is JobStatus.DONE


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", default=DEFAULT_PHOTOS, help="comma list in " + str(PHOTOS))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    names = args.photos.split(",")
    photos = [(PHOTOS / name).read_bytes() for name in names]
    renders = len(photos) * len(DEFAULT_PRESETS)
    with tempfile.TemporaryDirectory() as folder:
        jobs = JobBench(photos, Path(folder))
        results: dict[str, list[float]] = {"raw": [], "render": [], "job": []}
        for _ in range(args.rounds):
            results["raw"].append(bench_raw(photos))
            results["render"].append(bench_render(photos, jobs.settings))
            results["job"].append(jobs.run())
        jobs.engine.dispose()
    print(f"photos: {', '.join(names)}; presets: {', '.join(DEFAULT_PRESETS)}")
    print(f"{renders} renders per round, median of {args.rounds} rounds, 1 thread")
    print(f"{'':8}{'presets/s':>10}{'ms/photo':>10}{'vs raw':>8}")
    raw = statistics.median(results["raw"])
    for name, seconds in results.items():
        median = statistics.median(seconds)
        print(
            f"{name:8}{renders / median:10.1f}{1000 * median / len(photos):10.0f}"
            f"{median / raw:8.2f}"
        )


if __name__ == "__main__":
    main()
