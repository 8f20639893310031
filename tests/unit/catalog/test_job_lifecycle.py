"""Job row state changes (claim, lease, heartbeat, fencing, retries) on both backends."""

from __future__ import annotations

import datetime as dt
import random
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from enlarger.catalog.jobs import enqueue, get_job
from enlarger.catalog.models import Job, JobStatus, utcnow
from enlarger.errors import FetchFailed, FetchTimeout
from enlarger.jobs import lifecycle
from enlarger.jobs.backoff import backoff_delay
from enlarger.jobs.protocol import ClaimedJob
from enlarger.jobs.registry import HandlerRegistry, JobContext
from enlarger.jobs.runner import LOST_WORKER, JobRunner
from enlarger.settings import JobSettings, Settings
from enlarger.storage import open_store

KINDS = ["k"]
LEASE_S = 30.0


def add_jobs(
    sessions: sessionmaker[Session],
    count: int,
    run_after: dt.datetime | None = None,
    max_attempts: int | None = None,
) -> list[str]:
    with sessions.begin() as session:
        return [
            enqueue(session, "k", {"n": n}, run_after=run_after, max_attempts=max_attempts).id
            for n in range(count)
        ]


def claim(sessions: sessionmaker[Session], owner: str = "w1") -> ClaimedJob | None:
    return lifecycle.claim_next(sessions, KINDS, owner, LEASE_S, default_max_attempts=3)


def expire_lease(sessions: sessionmaker[Session], job_id: str) -> None:
    with sessions.begin() as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.lease_until = utcnow() - dt.timedelta(seconds=1)


def test_claims_take_due_jobs_oldest_first_and_lease_them(
    sessions: sessionmaker[Session],
) -> None:
    first, second = add_jobs(sessions, 2)
    add_jobs(sessions, 1, run_after=utcnow() + dt.timedelta(hours=1))
    claimed = [claim(sessions), claim(sessions), claim(sessions)]
    assert [c.id if c else None for c in claimed] == [first, second, None]
    assert claimed[0] is not None
    assert (claimed[0].attempts, claimed[0].max_attempts, claimed[0].payload) == (1, 3, {"n": 0})
    with sessions() as session:
        job = get_job(session, first)
        assert job is not None
        assert (job.status, job.lease_owner) == (JobStatus.RUNNING, "w1")
        assert job.lease_until is not None
        assert job.lease_until - utcnow() > dt.timedelta(seconds=LEASE_S - 5)


def test_other_kinds_are_left_alone(sessions: sessionmaker[Session]) -> None:
    add_jobs(sessions, 1)
    assert lifecycle.claim_next(sessions, ["other"], "w1", LEASE_S, 3) is None


def test_an_expired_lease_is_claimed_again_and_fences_the_old_owner(
    sessions: sessionmaker[Session],
) -> None:
    (job_id,) = add_jobs(sessions, 1)
    old = claim(sessions, "old")
    assert old is not None
    assert claim(sessions, "new") is None
    expire_lease(sessions, job_id)
    new = claim(sessions, "new")
    assert new is not None
    assert (new.id, new.attempts) == (job_id, 2)
    registry = HandlerRegistry()
    assert not lifecycle.heartbeat(sessions, old, LEASE_S)
    assert not lifecycle.complete(sessions, registry, old, [])
    assert lifecycle.heartbeat(sessions, new, LEASE_S)
    assert lifecycle.complete(sessions, registry, new, [])
    with sessions() as session:
        job = get_job(session, job_id)
        assert job is not None
        assert (job.status, job.attempts, job.lease_owner) == (JobStatus.DONE, 2, None)


def test_claim_by_id_ignores_run_after_but_not_live_leases(
    sessions: sessionmaker[Session],
) -> None:
    (job_id,) = add_jobs(sessions, 1, run_after=utcnow() + dt.timedelta(hours=1))
    first = lifecycle.claim_by_id(sessions, job_id, "a", LEASE_S, 3)
    assert first is not None
    assert lifecycle.claim_by_id(sessions, job_id, "b", LEASE_S, 3) is None
    assert lifecycle.claim_by_id(sessions, "missing", "b", LEASE_S, 3) is None


def test_parallel_claims_never_share_a_job(sessions: sessionmaker[Session]) -> None:
    ids = add_jobs(sessions, 24)
    taken: list[str] = []
    lock = threading.Lock()

    def drain(owner: str) -> None:
        while (job := claim(sessions, owner)) is not None:
            with lock:
                taken.append(job.id)

    threads = [threading.Thread(target=drain, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(ids)


def test_a_failed_attempt_is_queued_again_later(sessions: sessionmaker[Session]) -> None:
    (job_id,) = add_jobs(sessions, 1)
    job = claim(sessions)
    assert job is not None
    entry = {"attempt": 1, "at": utcnow().isoformat(), "error": "boom", "worker": "w1"}
    status = lifecycle.fail(sessions, HandlerRegistry(), job, [entry], retry_in_s=60)
    assert status is JobStatus.QUEUED
    assert claim(sessions) is None
    with sessions() as session:
        row = get_job(session, job_id)
        assert row is not None
        assert (row.status, row.last_error, row.error_history) == (
            JobStatus.QUEUED,
            "boom",
            [entry],
        )
        assert dt.timedelta(seconds=55) < row.run_after - utcnow() <= dt.timedelta(seconds=60)


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    rng = random.Random(7)
    for attempt, low, high in [(1, 0.5, 1.0), (2, 1.0, 2.0), (3, 2.0, 4.0), (10, 5.0, 10.0)]:
        delays = {backoff_delay(attempt, 1.0, 10.0, rng) for _ in range(50)}
        assert all(low <= d <= high for d in delays)
        assert len(delays) > 40  # jittered, not constant


def runner(sessions: sessionmaker[Session], tmp_path: Path, registry: HandlerRegistry) -> JobRunner:
    settings = Settings(data_dir=tmp_path)
    context = JobContext(settings, sessions, lambda: open_store("", tmp_path))
    return JobRunner(registry, context, JobSettings(max_attempts=2, job_lease_s=LEASE_S))


def test_a_job_whose_workers_keep_dying_fails_without_running_again(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    ran: list[str] = []
    registry = HandlerRegistry()
    registry.register("k", lambda _ctx, job: ran.append(job.id))
    jobs = runner(sessions, tmp_path, registry)
    (job_id,) = add_jobs(sessions, 1)
    for n in range(2):  # two attempts claimed, both workers vanish
        assert jobs.claim_next(f"dead-{n}") is not None
        expire_lease(sessions, job_id)
    last = jobs.claim_next("w3")
    assert last is not None
    assert jobs.run(last) is JobStatus.FAILED
    assert ran == []
    with sessions() as session:
        row = get_job(session, job_id)
        assert row is not None
        assert row.status is JobStatus.FAILED
        assert [(e["attempt"], e["error"]) for e in row.error_history] == [
            (1, LOST_WORKER),
            (2, LOST_WORKER),
        ]


@pytest.mark.parametrize("fails", [False, True])
def test_finished_listeners_run_in_the_finishing_transaction(
    sessions: sessionmaker[Session], tmp_path: Path, fails: bool
) -> None:
    def handler(_context: JobContext, _job: ClaimedJob) -> None:
        if fails:
            raise RuntimeError("no")

    def follow_up(session: Session, job: Job, outcome: JobStatus) -> None:
        enqueue(session, "follow-up", {"after": job.id, "outcome": outcome.value})

    registry = HandlerRegistry()
    registry.register("k", handler)
    registry.on_finished("k", follow_up)
    jobs = runner(sessions, tmp_path, registry)
    (job_id,) = add_jobs(sessions, 1, max_attempts=1)
    claimed = jobs.claim_next("w1")
    assert claimed is not None
    outcome = jobs.run(claimed)
    expected = "failed" if fails else "done"
    assert outcome == JobStatus(expected)
    with sessions() as session:
        follow = session.scalars(select(Job).where(Job.kind == "follow-up")).one()
    assert follow.payload == {"after": job_id, "outcome": expected}


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (FetchTimeout("the URL did not answer within 15s"), JobStatus.QUEUED),
        (FetchFailed("the URL answered HTTP 404"), JobStatus.FAILED),
    ],
)
def test_a_fetch_timeout_is_retried_and_a_client_error_is_not(
    sessions: sessionmaker[Session], tmp_path: Path, error: Exception, outcome: JobStatus
) -> None:
    def handler(_context: JobContext, _job: ClaimedJob) -> None:
        raise error

    registry = HandlerRegistry()
    registry.register("k", handler)
    jobs = runner(sessions, tmp_path, registry)
    add_jobs(sessions, 1)
    claimed = jobs.claim_next("w1")
    assert claimed is not None
    assert jobs.run(claimed) is outcome
