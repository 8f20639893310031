"""A job kind for the job-engine tests, loaded through ``ENLARGER_HANDLER_MODULES``.

``test.record`` appends "<job id> <attempt> <pid>" to ``<dir>/starts.log`` when an attempt
starts, sleeps ``seconds``, fails while ``attempt <= fail_attempts`` (permanently when
``permanent``), then writes its effect ``<dir>/effects/<job id>`` idempotently (atomic
rename of the same content), so a test sees both how often a job ran and what it left.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from enlarger.jobs.protocol import ClaimedJob, PermanentJobError
from enlarger.jobs.registry import HandlerRegistry, JobContext

KIND = "test.record"


def register(registry: HandlerRegistry) -> None:
    registry.register(KIND, record)


def record(_context: JobContext, job: ClaimedJob) -> None:
    directory = Path(job.payload["dir"])
    with (directory / "starts.log").open("a") as log:
        log.write(f"{job.id} {job.attempts} {os.getpid()}\n")
    time.sleep(float(job.payload.get("seconds", 0)))
    if job.attempts <= int(job.payload.get("fail_attempts", 0)):
        error = PermanentJobError if job.payload.get("permanent") else RuntimeError
        raise error(f"planned failure of attempt {job.attempts}")
    effects = directory / "effects"
    effects.mkdir(exist_ok=True)
    partial = effects / f".{job.id}.{os.getpid()}"
    partial.write_text(f"{job.id}\n")
    partial.replace(effects / job.id)


def starts(directory: Path) -> list[tuple[str, int, int]]:
    """(job id, attempt, pid) of every attempt started, in order."""
    path = directory / "starts.log"
    if not path.exists():
        return []
    rows = (line.split() for line in path.read_text().splitlines())
    return [(job_id, int(attempt), int(pid)) for job_id, attempt, pid in rows]


def effects(directory: Path) -> set[str]:
    path = directory / "effects"
    return (
        {p.name for p in path.iterdir() if not p.name.startswith(".")} if path.exists() else set()
    )
