"""One contract for every job engine: embedded and RabbitMQ, each on SQLite and PostgreSQL.

Jobs are ``test.record`` jobs (tests/support/slow_handlers.py): each attempt leaves a line
in starts.log and a finished job leaves one effect file, so the tests see how often a job
ran as well as what the jobs table says. Workers run in-process, or as subprocesses
(``python -m enlarger.jobs.worker``) where a test kills them with SIGKILL.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kombu
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from enlarger.catalog.jobs import JobReport, enqueue, job_report
from enlarger.catalog.models import Job, JobStatus, utcnow
from enlarger.jobs.delays import bucket_queue_name
from enlarger.jobs.runner import LOST_WORKER
from enlarger.jobs.worker import Worker, build_queue
from enlarger.settings import Settings
from tests.support import slow_handlers
from tests.support.polling import wait_until
from tests.support.rabbitmq import BROKER_URL, queue_depth

REPO_ROOT = Path(__file__).resolve().parents[2]
LEASE_S = 1.0


@dataclass
class Harness:
    settings: Settings
    sessions: sessionmaker[Session]
    work_dir: Path
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def enqueue(self, count: int = 1, max_attempts: int | None = None, **payload: Any) -> list[str]:
        with self.sessions.begin() as session:
            jobs = [
                enqueue(
                    session,
                    slow_handlers.KIND,
                    {"dir": str(self.work_dir), **payload},
                    max_attempts=max_attempts,
                )
                for _ in range(count)
            ]
            return [job.id for job in jobs]

    def reports(self, ids: list[str]) -> dict[str, JobReport]:
        with self.sessions() as session:
            found = {job_id: job_report(session, job_id) for job_id in ids}
        return {job_id: report for job_id, report in found.items() if report is not None}

    def wait_finished(self, ids: list[str]) -> dict[str, JobReport]:
        wait_until(
            lambda: all(r.status in {"done", "failed"} for r in self.reports(ids).values()),
            f"jobs {ids} to finish",
        )
        return self.reports(ids)

    @contextmanager
    def worker(self, concurrency: int = 1) -> Iterator[Worker]:
        worker = Worker(build_queue(self.settings, self.sessions), concurrency)
        worker.start()
        try:
            yield worker
        finally:
            worker.stop()

    def spawn(self, concurrency: int = 1) -> subprocess.Popen[bytes]:
        log = (self.work_dir / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "enlarger.jobs.worker", "--concurrency", str(concurrency)],
            env=self.env,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def starts(self) -> list[tuple[str, int, int]]:
        return slow_handlers.starts(self.work_dir)

    def effects(self) -> set[str]:
        return slow_handlers.effects(self.work_dir)


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(10)


@pytest.fixture(params=["embedded", "rabbitmq"])
def harness(
    request: pytest.FixtureRequest,
    database_url: str,
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> Iterator[Harness]:
    overrides: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "database_url": database_url,
        "queue_engine": request.param,
        "job_lease_s": LEASE_S,
        "retry_base_s": 0.2,
        "retry_cap_s": 1.0,
        "handler_modules": "tests.support.slow_handlers",
    }
    if request.param == "rabbitmq":
        overrides["queue_name"] = request.getfixturevalue("rabbitmq_queue")
        overrides["broker_url"] = BROKER_URL
    settings = Settings.load(environ={}, overrides=overrides)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENLARGER_")}
    env.update({f"ENLARGER_{k.upper()}": str(v) for k, v in overrides.items()})
    env["PYTHONPATH"] = str(REPO_ROOT)
    harness = Harness(settings, sessions, tmp_path, env)
    yield harness
    for process in harness.processes:
        if process.poll() is None:
            kill(process)


def test_a_job_runs_once_and_is_done(harness: Harness) -> None:
    ids = harness.enqueue()
    with harness.worker():
        report = harness.wait_finished(ids)[ids[0]]
    assert (report.status, report.attempts, report.errors) == ("done", 1, [])
    assert report.started_at is not None
    assert report.finished_at is not None
    assert report.queued_at <= report.started_at <= report.finished_at
    assert [s[0] for s in harness.starts()] == ids
    assert harness.effects() == set(ids)


def test_failed_attempts_are_retried_with_backoff(harness: Harness) -> None:
    ids = harness.enqueue(fail_attempts=2)
    with harness.worker():
        report = harness.wait_finished(ids)[ids[0]]
    assert (report.status, report.attempts) == ("done", 3)
    assert [e["attempt"] for e in report.errors] == [1, 2]
    assert all("planned failure" in e["error"] for e in report.errors)
    # equal jitter with base 0.2 s: at least 0.1 s after attempt 1 and 0.2 s after attempt 2
    assert report.run_s is not None
    assert report.run_s >= 0.3
    assert harness.effects() == set(ids)


def test_a_job_failing_every_attempt_is_dead(harness: Harness) -> None:
    ids = harness.enqueue(max_attempts=2, fail_attempts=99)
    with harness.worker():
        report = harness.wait_finished(ids)[ids[0]]
        if harness.settings.jobs.queue_engine == "rabbitmq":
            dead_letters = f"{harness.settings.jobs.queue_name}.dead"
            wait_until(lambda: queue_depth(dead_letters) == 1, "the dead-lettered message")
    assert (report.status, report.attempts, len(report.errors)) == ("failed", 2, 2)
    assert report.last_error == "RuntimeError: planned failure of attempt 2"
    assert harness.effects() == set()


def test_a_permanent_error_is_not_retried(harness: Harness) -> None:
    ids = harness.enqueue(fail_attempts=1, permanent=True)
    with harness.worker():
        report = harness.wait_finished(ids)[ids[0]]
    assert (report.status, report.attempts) == ("failed", 1)
    assert len(harness.starts()) == 1


def test_concurrent_workers_run_each_job_once(harness: Harness) -> None:
    ids = harness.enqueue(12, seconds=0.05)
    with harness.worker(concurrency=2), harness.worker(concurrency=2):
        reports = harness.wait_finished(ids)
    assert {r.status for r in reports.values()} == {"done"}
    started = sorted(s[0] for s in harness.starts())
    assert started == sorted(ids)
    assert harness.effects() == set(ids)


@pytest.mark.slow
def test_kill_9_mid_job_then_a_new_worker_finishes_it(harness: Harness) -> None:
    ids = harness.enqueue(seconds=1.5)
    first = harness.spawn()
    wait_until(lambda: len(harness.starts()) == 1, "the first worker to start the job")
    kill(first)
    assert harness.effects() == set()
    second = harness.spawn()
    report = harness.wait_finished(ids)[ids[0]]
    assert (report.status, report.attempts) == ("done", 2)
    assert [(job_id, pid) for job_id, _, pid in harness.starts()] == [
        (ids[0], first.pid),
        (ids[0], second.pid),
    ]
    assert [(e["attempt"], e["error"]) for e in report.errors] == [(1, LOST_WORKER)]
    assert harness.effects() == set(ids)


@pytest.mark.slow
def test_kill_9_during_a_backlog_loses_nothing(harness: Harness) -> None:
    ids = harness.enqueue(30, seconds=0.1)
    first = harness.spawn(concurrency=2)
    wait_until(lambda: len(harness.effects()) >= 5, "the first worker to finish some jobs")
    kill(first)
    harness.spawn(concurrency=2)
    reports = harness.wait_finished(ids)
    assert {r.status for r in reports.values()} == {"done"}
    assert harness.effects() == set(ids)
    started = [s[0] for s in harness.starts()]
    assert set(started) == set(ids)
    # only the jobs in flight when the worker died ran twice (2 slots)
    assert len(started) <= len(ids) + 2


@pytest.mark.parametrize("harness", ["rabbitmq"], indirect=True)  # only it has messages
def test_a_repeated_message_for_a_finished_job_does_nothing(harness: Harness) -> None:
    """RabbitMQ delivers at least once: a duplicate (say, the relay crashed after publishing
    but before marking the job published) must not run the job again."""
    ids = harness.enqueue()
    with harness.worker():
        harness.wait_finished(ids)
    queue = harness.settings.jobs.queue_name
    with kombu.Connection(BROKER_URL) as connection:
        connection.Producer().publish(
            {"job_id": ids[0]}, exchange="", routing_key=queue, serializer="json"
        )
    with harness.worker():
        wait_until(lambda: queue_depth(queue) == 0, "the duplicate to be consumed")
    assert len(harness.starts()) == 1
    assert queue_depth(f"{queue}.dead") == 0


@pytest.mark.slow
def test_sigterm_lets_the_running_job_finish(harness: Harness) -> None:
    ids = harness.enqueue(seconds=1.0)
    worker = harness.spawn()
    wait_until(lambda: len(harness.starts()) == 1, "the worker to start the job")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(15) == 0
    report = harness.reports(ids)[ids[0]]
    assert (report.status, report.attempts) == ("done", 1)
    assert harness.effects() == set(ids)


def test_a_job_orphaned_without_any_redelivery_is_finished(harness: Harness) -> None:
    """A worker died holding the job and no message will come back (a broker that lost
    it, or no broker at all): the job still finishes once its lease has long expired."""
    ids = harness.enqueue()
    long_ago = utcnow() - dt.timedelta(seconds=10 * LEASE_S)
    with harness.sessions.begin() as session:
        session.execute(
            update(Job)
            .where(Job.id == ids[0])
            .values(
                status=JobStatus.RUNNING,
                attempts=1,
                lease_owner="vanished-worker",
                lease_until=long_ago,
                started_at=long_ago,
                published_at=long_ago,
            )
        )
    with harness.worker():
        report = harness.wait_finished(ids)[ids[0]]
    assert (report.status, report.attempts) == ("done", 2)
    assert [(e["attempt"], e["error"]) for e in report.errors] == [(1, LOST_WORKER)]
    assert len(harness.starts()) == 1


@pytest.mark.parametrize("harness", ["rabbitmq"], indirect=True)  # the embedded one polls
def test_a_short_retry_does_not_wait_behind_a_long_one(harness: Harness) -> None:
    """A job due in 6 s is published first, one due in 1.5 s after it: the short one runs
    on time (one delay queue would have held it behind the long one's 6 s)."""
    long_wait, short_wait = harness.enqueue(2)
    published = utcnow()
    with harness.sessions.begin() as session:
        for job_id, wait_s in ((long_wait, 6.0), (short_wait, 1.5)):
            due = published + dt.timedelta(seconds=wait_s)
            session.execute(update(Job).where(Job.id == job_id).values(run_after=due))
    with harness.worker():
        reports = harness.wait_finished([long_wait, short_wait])
    started = {job_id: reports[job_id].started_at for job_id in (long_wait, short_wait)}
    short_started, long_started = started[short_wait], started[long_wait]
    assert short_started is not None
    assert long_started is not None
    assert short_started < long_started
    assert 1.5 <= (short_started - published).total_seconds() < 4.0
    assert (long_started - published).total_seconds() >= 6.0
    queue = harness.settings.jobs.queue_name
    assert queue_depth(bucket_queue_name(queue, 1)) == 0
