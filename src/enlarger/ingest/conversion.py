"""Converting uploads' presets in this process: ``enlarger upload`` without a server.

The jobs engine's own ``Worker`` runs here, claiming jobs exactly as ``enlarger worker``
does, until the conversion jobs of the given images are finished. Leases keep a job
from running twice when a ``serve`` or ``worker`` on the same catalog converts at the
same time; whichever process finishes a job, the jobs table shows it. The queue is
first come, first served, so older queued jobs run first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from enlarger.catalog.models import Derivative, Job, JobStatus
from enlarger.ingest.views import CONVERT_JOB
from enlarger.jobs.worker import Worker, build_queue
from enlarger.services import Services

_FINISHED = (JobStatus.DONE, JobStatus.FAILED)
#: seconds between reads of the jobs table while waiting.
POLL_S = 0.2
#: ids per ``IN (...)`` query, well under SQLite's bound-parameter limit.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class ConversionTally:
    """Presets of the waited-for images: stored, or not (their job finally failed)."""

    converted: int = 0
    failed: int = 0


def unfinished_conversions(
    sessions: sessionmaker[Session], image_ids: Iterable[str]
) -> dict[str, str]:
    """Job id -> image id for each image whose latest conversion job is not finished."""
    latest: dict[str, Job] = {}
    with sessions() as session:
        for chunk in _chunks(set(image_ids)):
            query = (
                select(Job)
                .where(Job.image_id.in_(chunk), Job.kind == CONVERT_JOB)
                .order_by(Job.created_at)
            )
            latest.update((job.image_id, job) for job in session.scalars(query) if job.image_id)
    return {job.id: image_id for image_id, job in latest.items() if job.status not in _FINISHED}


class InProcessConversion:
    """The configured job engine with ``slots`` worker threads, started by ``run``.

    Built before uploading so that bad presets or engine settings fail first.
    """

    def __init__(self, services: Services, slots: int) -> None:
        self._services = services
        queue = build_queue(services.settings, services.sessions, lambda: services.store)
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


def tally(
    sessions: sessionmaker[Session], presets: Collection[str], image_ids: Collection[str]
) -> ConversionTally:
    """Presets of ``image_ids`` (whose jobs are finished) stored, and the rest as failed."""
    with sessions() as session:
        converted = sum(
            session.scalar(
                select(func.count())
                .select_from(Derivative)
                .where(Derivative.image_id.in_(chunk), Derivative.preset.in_(list(presets)))
            )
            or 0
            for chunk in _chunks(image_ids)
        )
    return ConversionTally(converted, len(image_ids) * len(presets) - converted)


def finished_jobs(sessions: sessionmaker[Session], job_ids: Collection[str]) -> set[str]:
    """Those of ``job_ids`` that are done or finally failed."""
    with sessions() as session:
        return {
            job_id
            for chunk in _chunks(job_ids)
            for job_id in session.scalars(
                select(Job.id).where(Job.id.in_(chunk), Job.status.in_(_FINISHED))
            )
        }


def _chunks(ids: Collection[str]) -> Iterator[list[str]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]
