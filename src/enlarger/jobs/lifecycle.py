"""The state changes of a job, each in a transaction of its own: claim, heartbeat,
complete, fail. The statements and their lease fencing are ``catalog.jobs``'; this module
turns claims into ``ClaimedJob``s and tells listeners when a job is finished.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from enlarger.catalog import jobs
from enlarger.catalog.models import JobStatus, utcnow
from enlarger.catalog.types import Session, sessionmaker
from enlarger.jobs.protocol import ClaimedJob
from enlarger.jobs.registry import HandlerRegistry


def claim_next(
    sessions: sessionmaker[Session],
    kinds: Iterable[str],
    owner: str,
    lease_s: float,
    default_max_attempts: int,
) -> ClaimedJob | None:
    """Lease the next due job of ``kinds``: queued and due, or running with an expired lease."""
    with sessions.begin() as session:
        claim = jobs.claim_next(session, kinds, owner, lease_s)
    return None if claim is None else _claimed(claim, owner, default_max_attempts)


def claim_by_id(
    sessions: sessionmaker[Session],
    job_id: str,
    owner: str,
    lease_s: float,
    default_max_attempts: int,
) -> ClaimedJob | None:
    """Lease one named job if it is queued (due or not) or its lease has expired."""
    with sessions.begin() as session:
        claim = jobs.claim_by_id(session, job_id, owner, lease_s)
    return None if claim is None else _claimed(claim, owner, default_max_attempts)


def heartbeat(sessions: sessionmaker[Session], job: ClaimedJob, lease_s: float) -> bool:
    """Extend the lease; False when it is no longer ours."""
    with sessions.begin() as session:
        return jobs.extend_lease(session, job.id, job.owner, lease_s)


def complete(
    sessions: sessionmaker[Session],
    registry: HandlerRegistry,
    job: ClaimedJob,
    history: list[dict[str, Any]],
) -> bool:
    """Mark the job done (and tell listeners); False when the lease was lost meanwhile."""
    return _finish(sessions, registry, job, JobStatus.DONE, history)


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
    last_error = history[-1]["error"]
    if retry_in_s is None:
        finished = _finish(sessions, registry, job, JobStatus.FAILED, history, last_error)
        return JobStatus.FAILED if finished else None
    retry_at = utcnow() + dt.timedelta(seconds=retry_in_s)
    with sessions.begin() as session:
        requeued = jobs.requeue(session, job.id, job.owner, retry_at, history, last_error)
    return JobStatus.QUEUED if requeued else None


def _finish(
    sessions: sessionmaker[Session],
    registry: HandlerRegistry,
    job: ClaimedJob,
    outcome: JobStatus,
    history: list[dict[str, Any]],
    last_error: str | None = None,
) -> bool:
    with sessions.begin() as session:
        row = jobs.finish(session, job.id, job.owner, outcome, history, last_error)
        if row is None:
            return False
        registry.notify_finished(session, row, outcome)
        return True


def _claimed(claim: jobs.Claim, owner: str, default_max_attempts: int) -> ClaimedJob:
    return ClaimedJob(
        id=claim.id,
        kind=claim.kind,
        payload=claim.payload,
        image_id=claim.image_id,
        attempts=claim.attempts,
        max_attempts=claim.max_attempts or default_max_attempts,
        owner=owner,
        history=tuple(claim.error_history),
    )
