"""The catalog queries behind local conversion, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from enlarger.catalog.models import Derivative, Image, Job, JobStatus, utcnow
from enlarger.cli.conversion import ConversionTally, finished_jobs, tally, unfinished_conversions

PRESETS = ("thumb", "small")
#: more than one ``IN (...)`` chunk of ids.
COUNT = 1201
STATUSES = (JobStatus.DONE, JobStatus.FAILED, JobStatus.QUEUED, JobStatus.RUNNING)


def _catalog(sessions: sessionmaker[Session]) -> dict[str, JobStatus]:
    """``COUNT`` images, each with a convert job cycling through the statuses; done jobs'
    images have both presets stored, failed ones only ``thumb`` (from an earlier run)."""
    statuses = {f"img{n}": STATUSES[n % len(STATUSES)] for n in range(COUNT)}
    stored = {JobStatus.DONE: PRESETS, JobStatus.FAILED: PRESETS[:1]}
    images = [
        {"id": i, "sha256": f"{n:064x}", "original_key": f"o/{n}", "format": "png"}
        | {"width": 1, "height": 1, "bytes": 1}
        for n, i in enumerate(statuses)
    ]
    jobs = [
        {"id": f"job{i}", "kind": "convert", "image_id": i, "status": status}
        for i, status in statuses.items()
    ]
    derivatives = [
        {"image_id": i, "preset": preset, "canonical_spec": "w=1", "object_key": f"d/{i}/{preset}"}
        | {"format": "webp", "width": 1, "height": 1, "bytes": 1}
        for i, status in statuses.items()
        for preset in stored.get(status, ())
    ]
    with sessions.begin() as session:
        for model, rows in ((Image, images), (Job, jobs), (Derivative, derivatives)):
            session.execute(insert(model), rows)
    return statuses


def test_waits_only_for_unfinished_jobs_and_tallies_stored_presets(
    sessions: sessionmaker[Session],
) -> None:
    statuses = _catalog(sessions)
    unfinished = unfinished_conversions(sessions, [*statuses, *statuses])
    waiting = {JobStatus.QUEUED, JobStatus.RUNNING}
    assert unfinished == {f"job{i}": i for i, s in statuses.items() if s in waiting}

    all_jobs = {f"job{i}" for i in statuses}
    done_or_failed = {f"job{i}" for i, s in statuses.items() if s not in waiting}
    assert finished_jobs(sessions, all_jobs) == done_or_failed
    assert finished_jobs(sessions, set(unfinished)) == set()

    done = [i for i, s in statuses.items() if s == JobStatus.DONE]
    failed = [i for i, s in statuses.items() if s == JobStatus.FAILED]
    assert tally(sessions, PRESETS, done) == ConversionTally(2 * len(done), 0)
    assert tally(sessions, PRESETS, failed) == ConversionTally(len(failed), len(failed))
    assert tally(sessions, PRESETS, []) == ConversionTally()


def test_only_the_latest_conversion_job_of_an_image_counts(
    sessions: sessionmaker[Session],
) -> None:
    """(older job, newer job) per image, stored newest first: only the newer one decides."""
    histories = {
        "requeued": (JobStatus.DONE, JobStatus.QUEUED),
        "redone": (JobStatus.QUEUED, JobStatus.DONE),
    }
    newer_at = utcnow()
    older_at = newer_at - dt.timedelta(minutes=1)
    with sessions.begin() as session:
        for n, (image_id, (older, newer)) in enumerate(histories.items()):
            session.add(_image(image_id, n))
            session.flush()
            for suffix, status, at in (("new", newer, newer_at), ("old", older, older_at)):
                job = Job(id=f"{image_id}-{suffix}", kind="convert", image_id=image_id)
                job.status, job.created_at = status, at
                session.add(job)
    assert unfinished_conversions(sessions, histories) == {"requeued-new": "requeued"}


def _image(image_id: str, n: int) -> Image:
    return Image(
        id=image_id,
        sha256=f"{n:064x}",
        original_key=f"o/{n}",
        format="png",
        width=1,
        height=1,
        bytes=1,
    )
