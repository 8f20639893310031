"""The state changes of a job row: claim, heartbeat, complete, fail.

Every change after the claim is fenced by ``lease_owner``: a worker that lost its lease
(it stalled past ``lease_until`` and another worker claimed the job) changes nothing.
Each transaction starts with its write, which on SQLite is one atomic statement under
the database write lock and on PostgreSQL locks the row (``FOR UPDATE SKIP LOCKED`` in
the claim, so concurrent workers never wait on or take the same job).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from enlarger.catalog.models import Job, JobStatus, utcnow
from enlarger.jobs.protocol import ClaimedJob
from enlarger.jobs.registry import HandlerRegistry

_CLAIMED_COLUMNS = (
    Job.id,
    Job.kind,
    Job.payload,
    Job.image_id,
    Job.attempts,
    Job.max_attempts,
    Job.error_history,
)


def claim_next(
    sessions: sessionmaker[Session],
    kinds: Iterable[str],
    owner: str,
    lease_s: float,
    default_max_attempts: int,
) -> ClaimedJob | None:
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
    return _claim(sessions, Job.id == candidate, owner, lease_s, default_max_attempts, now)


def claim_by_id(
    sessions: sessionmaker[Session],
    job_id: str,
    owner: str,
    lease_s: float,
    default_max_attempts: int,
) -> ClaimedJob | None:
    """Lease one named job if it is queued (due or not) or its lease has expired."""
    now = utcnow()
    claimable = or_(Job.status == JobStatus.QUEUED, _lease_expired(Job, now))
    return _claim(
        sessions, and_(Job.id == job_id, claimable), owner, lease_s, default_max_attempts, now
    )


def heartbeat(sessions: sessionmaker[Session], job: ClaimedJob, lease_s: float) -> bool:
    """Extend the lease; False when it is no longer ours."""
    with sessions.begin() as session:
        result = session.execute(
            update(Job)
            .where(*_held_by(job))
            .values(lease_until=utcnow() + dt.timedelta(seconds=lease_s))
            .returning(Job.id)
            .execution_options(synchronize_session=False)
        )
        return result.first() is not None


def complete(
    sessions: sessionmaker[Session],
    registry: HandlerRegistry,
    job: ClaimedJob,
    history: list[dict[str, Any]],
) -> bool:
    """Mark the job done (and tell listeners); False when the lease was lost meanwhile."""
    return _finish(sessions, registry, job, JobStatus.DONE, {"error_history": history})


def fail(
    sessions: sessionmaker[Session],
    registry: HandlerRegistry,
    job: ClaimedJob,
    history: list[dict[str, Any]],
    retry_in_s: float | None,
) -> JobStatus | None:
    """Record a failed attempt: queue a retry in ``retry_in_s`` or, when None, fail for good.

    Returns the job's new status, or None when the lease was lost meanwhile.
    """
    values: dict[str, Any] = {"error_history": history, "last_error": history[-1]["error"]}
    if retry_in_s is None:
        finished = _finish(sessions, registry, job, JobStatus.FAILED, values)
        return JobStatus.FAILED if finished else None
    retry_at = utcnow() + dt.timedelta(seconds=retry_in_s)
    with sessions.begin() as session:
        result = session.execute(
            update(Job)
            .where(*_held_by(job))
            .values(
                status=JobStatus.QUEUED,
                run_after=retry_at,
                lease_owner=None,
                lease_until=None,
                published_at=None,
                **values,
            )
            .returning(Job.id)
            .execution_options(synchronize_session=False)
        )
        return JobStatus.QUEUED if result.first() is not None else None


def _finish(
    sessions: sessionmaker[Session],
    registry: HandlerRegistry,
    job: ClaimedJob,
    outcome: JobStatus,
    values: dict[str, Any],
) -> bool:
    with sessions.begin() as session:
        result = session.execute(
            update(Job)
            .where(*_held_by(job))
            .values(
                status=outcome, finished_at=utcnow(), lease_owner=None, lease_until=None, **values
            )
            .returning(Job.id)
            .execution_options(synchronize_session=False)
        )
        if result.first() is None:
            return False
        row = session.get(Job, job.id, populate_existing=True)
        assert row is not None
        registry.notify_finished(session, row, outcome)
        return True


def _claim(
    sessions: sessionmaker[Session],
    which: ColumnElement[bool],
    owner: str,
    lease_s: float,
    default_max_attempts: int,
    now: dt.datetime,
) -> ClaimedJob | None:
    with sessions.begin() as session:
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
    return None if row is None else _claimed(row, owner, default_max_attempts)


def _claimed(row: Row[Any], owner: str, default_max_attempts: int) -> ClaimedJob:
    return ClaimedJob(
        id=row.id,
        kind=row.kind,
        payload=dict(row.payload),
        image_id=row.image_id,
        attempts=row.attempts,
        max_attempts=row.max_attempts or default_max_attempts,
        owner=owner,
        history=tuple(row.error_history),
    )


def _lease_expired(job: type[Job], now: dt.datetime) -> ColumnElement[bool]:
    return and_(job.status == JobStatus.RUNNING, job.lease_until < now)


def _held_by(job: ClaimedJob) -> tuple[ColumnElement[bool], ...]:
    return (Job.id == job.id, Job.status == JobStatus.RUNNING, Job.lease_owner == job.owner)
