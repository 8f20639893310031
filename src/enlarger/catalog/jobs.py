"""Job rows: enqueue, claims under a lease, heartbeats, outcomes, the outbox, reports.

Every change after a claim is fenced by ``lease_owner``: a worker that lost its lease
(it stalled past ``lease_until`` and another worker claimed the job) changes nothing.
Each state change is one statement, which on SQLite runs under the database write lock
and on PostgreSQL locks the row (``FOR UPDATE SKIP LOCKED`` in the claim and the outbox,
so concurrent workers never wait on or take the same job). Callers own the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from enlarger.catalog.chunks import chunks
from enlarger.catalog.models import Job, JobStatus, utcnow

FINISHED = (JobStatus.DONE, JobStatus.FAILED)


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    image_id: str | None = None,
    max_attempts: int | None = None,
    run_after: dt.datetime | None = None,
) -> Job:
    """Add a queued job in the caller's transaction; it runs once that commits.

    ``max_attempts`` None uses the engine's configured limit.
    """
    now = utcnow()
    job = Job(
        kind=kind,
        payload=payload,
        image_id=image_id,
        max_attempts=max_attempts,
        status=JobStatus.QUEUED,
        attempts=0,
        run_after=run_after or now,
        created_at=now,
        error_history=[],
    )
    session.add(job)
    session.flush()
    return job


def count_by_status(session: Session) -> dict[str, int]:
    """Jobs by status, every status present (``/metrics``: queue depth and outcomes)."""
    counts = dict.fromkeys((status.value for status in JobStatus), 0)
    rows = session.execute(select(Job.status, func.count()).group_by(Job.status))
    for status, count in rows:
        counts[JobStatus(status).value] = count
    return counts


def get_job(session: Session, job_id: str) -> Job | None:
    return session.get(Job, job_id)


def latest_jobs(session: Session, image_ids: Collection[str], kind: str) -> dict[str, Job]:
    """Image id -> its newest job of ``kind``, for many images in one query per chunk."""
    latest: dict[str, Job] = {}
    for chunk in chunks(image_ids):
        query = (
            select(Job)
            .where(Job.image_id.in_(chunk), Job.kind == kind)
            .order_by(Job.created_at, Job.id)
        )
        latest.update((job.image_id, job) for job in session.scalars(query) if job.image_id)
    return latest


def finished_job_ids(session: Session, job_ids: Collection[str]) -> set[str]:
    """Those of ``job_ids`` that are done or finally failed."""
    return {
        job_id
        for chunk in chunks(job_ids)
        for job_id in session.scalars(
            select(Job.id).where(Job.id.in_(chunk), Job.status.in_(FINISHED))
        )
    }


# claims and leases


@dataclass(frozen=True, slots=True)
class Claim:
    """The fields of a job row a worker needs to run it, as the claim left them."""

    id: str
    kind: str
    payload: dict[str, Any]
    image_id: str | None
    attempts: int
    max_attempts: int | None
    error_history: list[dict[str, Any]]


_CLAIMED_COLUMNS = (
    Job.id,
    Job.kind,
    Job.payload,
    Job.image_id,
    Job.attempts,
    Job.max_attempts,
    Job.error_history,
)


def claim_next(session: Session, kinds: Iterable[str], owner: str, lease_s: float) -> Claim | None:
    """Lease the next due job of ``kinds``: queued and due, or running with an expired lease."""
    now = utcnow()
    other = aliased(Job)  # the subquery must not correlate with the updated table
    due = and_(other.status == JobStatus.QUEUED, other.run_after <= now)
    candidate = (
        select(other.id)
        .where(other.kind.in_(list(kinds)), or_(due, _lease_expired(other, now)))
        .order_by(other.run_after, other.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    return _claim(session, Job.id == candidate, owner, lease_s, now)


def claim_by_id(session: Session, job_id: str, owner: str, lease_s: float) -> Claim | None:
    """Lease one named job if it is queued (due or not) or its lease has expired."""
    now = utcnow()
    claimable = or_(Job.status == JobStatus.QUEUED, _lease_expired(Job, now))
    return _claim(session, and_(Job.id == job_id, claimable), owner, lease_s, now)


def extend_lease(session: Session, job_id: str, owner: str, lease_s: float) -> bool:
    """Renew ``owner``'s lease; False when it is no longer theirs."""
    until = utcnow() + dt.timedelta(seconds=lease_s)
    return _change_held(session, job_id, owner, lease_until=until)


def finish(
    session: Session,
    job_id: str,
    owner: str,
    outcome: JobStatus,
    history: list[dict[str, Any]],
    last_error: str | None = None,
) -> Job | None:
    """Mark ``owner``'s job done or failed; the updated row, or None when the lease was lost."""
    errors: dict[str, Any] = {} if last_error is None else {"last_error": last_error}
    if not _change_held(
        session,
        job_id,
        owner,
        status=outcome,
        finished_at=utcnow(),
        lease_owner=None,
        lease_until=None,
        error_history=history,
        **errors,
    ):
        return None
    return session.get(Job, job_id, populate_existing=True)


def requeue(
    session: Session,
    job_id: str,
    owner: str,
    retry_at: dt.datetime,
    history: list[dict[str, Any]],
    last_error: str,
) -> bool:
    """Queue ``owner``'s job again for ``retry_at``; False when the lease was lost."""
    return _change_held(
        session,
        job_id,
        owner,
        status=JobStatus.QUEUED,
        run_after=retry_at,
        lease_owner=None,
        lease_until=None,
        published_at=None,
        error_history=history,
        last_error=last_error,
    )


def _claim(
    session: Session, which: ColumnElement[bool], owner: str, lease_s: float, now: dt.datetime
) -> Claim | None:
    row = session.execute(
        update(Job)
        .where(which)
        .values(
            status=JobStatus.RUNNING,
            attempts=Job.attempts + 1,
            lease_owner=owner,
            lease_until=now + dt.timedelta(seconds=lease_s),
            started_at=func.coalesce(Job.started_at, now),
        )
        .returning(*_CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return None
    return Claim(
        id=row.id,
        kind=row.kind,
        payload=dict(row.payload),
        image_id=row.image_id,
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        error_history=list(row.error_history),
    )


def _change_held(session: Session, job_id: str, owner: str, **values: Any) -> bool:
    """Set ``values`` on the job if ``owner`` still holds its lease."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.lease_owner == owner)
        .values(**values)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    return result.first() is not None


def _lease_expired(job: type[Job], now: dt.datetime) -> ColumnElement[bool]:
    return and_(job.status == JobStatus.RUNNING, job.lease_until < now)


# the RabbitMQ engine's transactional outbox


def to_publish(
    session: Session, now: dt.datetime, lease_s: float, limit: int
) -> list[tuple[str, dt.datetime]]:
    """(id, run_after) of up to ``limit`` jobs to hand to the broker, oldest first, locked.

    Queued jobs not yet published, and orphans: running jobs whose lease expired a whole
    lease period ago and that were not (re)published meanwhile.
    """
    lease = dt.timedelta(seconds=lease_s)
    unpublished = and_(Job.status == JobStatus.QUEUED, Job.published_at.is_(None))
    orphaned = and_(
        Job.status == JobStatus.RUNNING,
        Job.lease_until < now - lease,
        or_(Job.published_at.is_(None), Job.published_at < now - lease),
    )
    rows = session.execute(
        select(Job.id, Job.run_after)
        .where(or_(unpublished, orphaned))
        .order_by(Job.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    return [(row.id, row.run_after) for row in rows]


def mark_published(session: Session, job_ids: Collection[str], at: dt.datetime) -> None:
    session.execute(
        update(Job)
        .where(Job.id.in_(list(job_ids)))
        .values(published_at=at)
        .execution_options(synchronize_session=False)
    )


# reports


@dataclass(frozen=True, slots=True)
class JobReport:
    """What ``GET /v1/jobs/{id}`` shows: status, attempts, timings and errors."""

    id: str
    kind: str
    image_id: str | None
    status: str
    attempts: int
    max_attempts: int | None
    queued_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    run_after: dt.datetime
    last_error: str | None
    errors: list[dict[str, Any]]

    @property
    def wait_s(self) -> float | None:
        """Seconds from enqueue to the first start."""
        return _seconds(self.queued_at, self.started_at)

    @property
    def run_s(self) -> float | None:
        """Seconds from the first start to the end (retries and backoff included)."""
        return _seconds(self.started_at, self.finished_at)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "image_id": self.image_id,
            "status": self.status,
            "attempts": self.attempts,
            "max_attempts": self.max_attempts,
            "queued_at": self.queued_at.isoformat(),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "next_attempt_at": self.run_after.isoformat()
            if self.status == JobStatus.QUEUED
            else None,
            "wait_s": self.wait_s,
            "run_s": self.run_s,
            "last_error": self.last_error,
            "errors": self.errors,
        }


def job_report(session: Session, job_id: str) -> JobReport | None:
    job = session.get(Job, job_id)
    if job is None:
        return None
    return JobReport(
        id=job.id,
        kind=job.kind,
        image_id=job.image_id,
        status=job.status.value,
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        queued_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        run_after=job.run_after,
        last_error=job.last_error,
        errors=list(job.error_history),
    )


def _seconds(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    return None if start is None or end is None else (end - start).total_seconds()


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def failed_jobs(session: Session, kind: str, limit: int) -> list[Job]:
    """The newest finally failed jobs of ``kind``."""
    query = (
        select(Job)
        .where(Job.kind == kind, Job.status == JobStatus.FAILED)
        .order_by(Job.finished_at.desc(), Job.id)
        .limit(limit)
    )
    return list(session.scalars(query))
