"""Run one claimed job: its handler under a renewed lease, then done, retry or failed."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from typing import Any

import structlog

from enlarger.catalog.models import JobStatus, utcnow
from enlarger.catalog.types import Session, sessionmaker
from enlarger.errors import ClientError
from enlarger.jobs import lifecycle
from enlarger.jobs.backoff import backoff_delay
from enlarger.jobs.protocol import ClaimedJob, PermanentJobError
from enlarger.jobs.registry import HandlerRegistry, JobContext
from enlarger.settings import JobSettings

log = structlog.get_logger("enlarger.jobs")

LOST_WORKER = "worker lost: its lease expired before the attempt finished"


class JobRunner:
    """Shared by every engine: engines decide which job to claim, the runner runs it."""

    def __init__(
        self, registry: HandlerRegistry, context: JobContext, settings: JobSettings
    ) -> None:
        self.registry = registry
        self.context = context
        self.settings = settings

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.context.sessions

    @staticmethod
    def new_owner() -> str:
        """A lease owner name unique to this worker slot, readable in the jobs table."""
        return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def claim_next(self, owner: str) -> ClaimedJob | None:
        return lifecycle.claim_next(
            self.sessions,
            self.registry.kinds,
            owner,
            self.settings.job_lease_s,
            self.settings.max_attempts,
        )

    def claim_by_id(self, job_id: str, owner: str) -> ClaimedJob | None:
        return lifecycle.claim_by_id(
            self.sessions, job_id, owner, self.settings.job_lease_s, self.settings.max_attempts
        )

    def run(self, job: ClaimedJob) -> JobStatus | None:
        """Run ``job``; its new status, or None when another worker took it over meanwhile."""
        history = _with_lost_attempts(job)
        if job.attempts > job.max_attempts:
            return lifecycle.fail(self.sessions, self.registry, job, history, retry_in_s=None)
        if job.kind not in self.registry.kinds:
            history.append(_entry(job, f"no handler for job kind {job.kind!r}"))
            return lifecycle.fail(self.sessions, self.registry, job, history, retry_in_s=None)
        stop_heartbeat = threading.Event()
        beat = threading.Thread(
            target=self._heartbeat, args=(job, stop_heartbeat), name=f"heartbeat-{job.id}"
        )
        beat.start()
        try:
            self.registry.handler(job.kind)(self.context, job)
        except Exception as exc:  # every failure is recorded on the job, none escapes
            return self._failed(job, history, exc)
        finally:
            stop_heartbeat.set()
            beat.join()
        if lifecycle.complete(self.sessions, self.registry, job, history):
            log.info("job done", job_id=job.id, kind=job.kind, attempt=job.attempts)
            return JobStatus.DONE
        log.warning("job lease lost before completion", job_id=job.id)
        return None

    def _failed(
        self, job: ClaimedJob, history: list[dict[str, Any]], exc: Exception
    ) -> JobStatus | None:
        permanent = isinstance(exc, PermanentJobError | ClientError)
        history.append(_entry(job, f"{type(exc).__name__}: {exc}"))
        retry_in_s = (
            None
            if permanent or job.attempts >= job.max_attempts
            else backoff_delay(job.attempts, self.settings.retry_base_s, self.settings.retry_cap_s)
        )
        log.warning(
            "job attempt failed",
            job_id=job.id,
            kind=job.kind,
            attempt=job.attempts,
            error=history[-1]["error"],
            retry_in_s=retry_in_s,
            exc_info=not permanent,
        )
        return lifecycle.fail(self.sessions, self.registry, job, history, retry_in_s)

    def _heartbeat(self, job: ClaimedJob, stop: threading.Event) -> None:
        interval = self.settings.job_lease_s / 3
        while not stop.wait(interval):
            if not lifecycle.heartbeat(self.sessions, job, self.settings.job_lease_s):
                log.warning("job lease lost", job_id=job.id)
                return


def _entry(job: ClaimedJob, error: str, attempt: int | None = None) -> dict[str, Any]:
    return {
        "attempt": job.attempts if attempt is None else attempt,
        "at": utcnow().isoformat(),
        "error": error,
        "worker": job.owner,
    }


def _with_lost_attempts(job: ClaimedJob) -> list[dict[str, Any]]:
    """The error history plus an entry for each earlier attempt whose worker vanished."""
    history = list(job.history)
    recorded = {entry.get("attempt") for entry in history}
    for attempt in range(1, job.attempts):
        if attempt not in recorded:
            history.append({**_entry(job, LOST_WORKER, attempt), "worker": None})
    return history
