"""``enlarger upload``'s local conversion: run the jobs engine in this process and wait.

The jobs engine's own ``Worker`` runs here, claiming jobs exactly as ``enlarger worker``
does, until the conversion jobs of the given images are finished. Leases keep a job
from running twice when a ``serve`` or ``worker`` on the same catalog converts at the
same time; whichever process finishes a job, the jobs table shows it. The queue is
first come, first served, so older queued jobs run first.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import structlog

from enlarger.catalog.derivatives import count_stored
from enlarger.catalog.jobs import FINISHED, finished_job_ids, latest_jobs
from enlarger.catalog.types import Session, sessionmaker
from enlarger.cli.progress import progress_bar
from enlarger.ingest.image_views import CONVERT_JOB
from enlarger.jobs.worker import Worker, build_queue
from enlarger.services import Services

#: seconds between reads of the jobs table while waiting.
POLL_S = 0.2


@dataclass(frozen=True, slots=True)
class ConversionTally:
    """Presets of the waited-for images: stored, or not (their job finally failed)."""

    converted: int = 0
    failed: int = 0


def unfinished_conversions(
    sessions: sessionmaker[Session], image_ids: Iterable[str]
) -> dict[str, str]:
    """Job id -> image id for each image whose latest conversion job is not finished."""
    with sessions() as session:
        latest = latest_jobs(session, set(image_ids), CONVERT_JOB)
    return {job.id: image_id for image_id, job in latest.items() if job.status not in FINISHED}


class InProcessConversion:
    """The configured job engine with ``slots`` worker threads, started by ``run``.

    Built before uploading so that bad presets or engine settings fail first.
    """

    def __init__(self, services: Services, slots: int) -> None:
        self._services = services
        queue = build_queue(
            services.settings, services.sessions, lambda: services.store, services.preset_specs
        )
        self._worker = Worker(queue, slots)

    def run(self, jobs: dict[str, str], advance: Callable[[int], None]) -> ConversionTally:
        """Work until every job in ``jobs`` (from ``unfinished_conversions``) is finished.

        ``advance(n)`` is called as ``n`` more of them finish.
        """
        if not jobs:
            return ConversionTally()
        sessions = self._services.sessions
        self._worker.start()
        try:
            remaining = set(jobs)
            while remaining:
                finished = finished_jobs(sessions, remaining)
                remaining -= finished
                if finished:
                    advance(len(finished))
                else:
                    time.sleep(POLL_S)
        finally:
            self._worker.stop()
        return tally(sessions, self._services.presets, set(jobs.values()))

    def run_with_progress(self, jobs: dict[str, str]) -> ConversionTally:
        """``run`` with a progress bar on stderr."""
        with progress_bar("converting") as progress, _job_warnings_only():
            task = progress.add_task("convert", total=len(jobs))
            return self.run(jobs, lambda n: progress.advance(task, n))


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


def tally(
    sessions: sessionmaker[Session], presets: Collection[str], image_ids: Collection[str]
) -> ConversionTally:
    """Presets of ``image_ids`` (whose jobs are finished) stored, and the rest as failed."""
    with sessions() as session:
        converted = count_stored(session, image_ids, presets)
    return ConversionTally(converted, len(image_ids) * len(presets) - converted)


def finished_jobs(sessions: sessionmaker[Session], job_ids: Collection[str]) -> set[str]:
    """Those of ``job_ids`` that are done or finally failed."""
    with sessions() as session:
        return finished_job_ids(session, job_ids)
