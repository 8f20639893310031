"""Catalog queries on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from enlarger.catalog.api_keys import authenticate_api_key, create_api_key, revoke_api_key
from enlarger.catalog.derivatives import (
    DerivativeRecord,
    get_derivative,
    list_derivatives,
    upsert_derivative,
)
from enlarger.catalog.images import find_image_by_sha256
from enlarger.catalog.jobs import enqueue, job_report
from enlarger.catalog.models import Derivative, Image, Job, JobStatus


def new_image(sha256: str = "a" * 64) -> Image:
    return Image(
        sha256=sha256,
        original_key=f"originals/aa/aa/aa/{sha256}.jpg",
        format="jpeg",
        width=640,
        height=480,
        bytes=12345,
        exif={"Make": "Canon", "DateTimeOriginal": "2024:01:02 03:04:05"},
        dominant_color="#336699",
    )


def added_image(session: Session) -> Image:
    """``new_image()`` added and flushed, so it has its id."""
    image = new_image()
    session.add(image)
    session.flush()
    return image


def record(preset: str, width: int) -> DerivativeRecord:
    return DerivativeRecord(
        preset=preset,
        canonical_spec=f"w={width}",
        object_key=f"derivatives/{preset}-{width}.webp",
        format="webp",
        width=width,
        height=width // 2,
        bytes=width * 10,
    )


def test_an_image_row_round_trips_with_aware_utc_times(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        image = new_image()
        session.add(image)
    with sessions() as session:
        found = find_image_by_sha256(session, "a" * 64)
        assert found is not None
        assert found.id == image.id
        assert len(found.id) == 12
        assert found.exif == {"Make": "Canon", "DateTimeOriginal": "2024:01:02 03:04:05"}
        assert (found.orientation, found.has_alpha, found.color_space) == (1, False, "srgb")
        assert found.created_at.tzinfo == dt.UTC
        assert abs(found.created_at - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=30)


def test_sha256_is_unique(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.add(new_image())
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(new_image())


def test_upserting_a_derivative_twice_keeps_one_row_with_the_new_values(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        image = added_image(session)
        upsert_derivative(session, image.id, record("thumb", 200))
        upsert_derivative(session, image.id, record("small", 480))
    with sessions.begin() as session:
        upsert_derivative(session, image.id, record("thumb", 256))
    with sessions() as session:
        assert [d.preset for d in list_derivatives(session, image.id)] == ["small", "thumb"]
        thumb = get_derivative(session, image.id, "thumb")
        assert thumb is not None
        assert (thumb.width, thumb.height, thumb.canonical_spec) == (256, 128, "w=256")
        assert session.scalar(select(func.count()).select_from(Derivative)) == 2


def test_deleting_an_image_deletes_its_derivatives_and_keeps_its_jobs(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        image = added_image(session)
        upsert_derivative(session, image.id, record("thumb", 200))
        job = enqueue(session, "convert", {}, image_id=image.id)
    with sessions.begin() as session:
        session.delete(session.get(Image, image.id))
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Derivative)) == 0
        kept = session.get(Job, job.id)
        assert kept is not None
        assert kept.image_id is None


def test_enqueue_records_a_queued_job_that_the_report_describes(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        image = added_image(session)
        job = enqueue(session, "convert", {"why": "upload"}, image_id=image.id)
    with sessions() as session:
        report = job_report(session, job.id)
        assert job_report(session, "no-such-job") is None
    assert report is not None
    body = report.as_dict()
    assert body["id"] == job.id
    assert (body["kind"], body["image_id"], body["status"]) == ("convert", image.id, "queued")
    assert (body["attempts"], body["max_attempts"], body["errors"]) == (0, None, [])
    assert body["started_at"] is None
    assert body["wait_s"] is None
    assert body["next_attempt_at"] == body["queued_at"]
    assert dt.datetime.fromisoformat(body["queued_at"]).tzinfo == dt.UTC


def test_job_report_timings_come_from_the_row(sessions: sessionmaker[Session]) -> None:
    start = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    with sessions.begin() as session:
        job = enqueue(session, "convert", {})
        job.created_at = start
        job.started_at = start + dt.timedelta(seconds=2)
        job.finished_at = start + dt.timedelta(seconds=5.5)
        job.status = JobStatus.DONE
        job.attempts = 1
    with sessions() as session:
        report = job_report(session, job.id)
    assert report is not None
    assert (report.wait_s, report.run_s) == (2.0, 3.5)
    assert report.as_dict()["next_attempt_at"] is None


def test_api_keys_keep_only_a_hash_and_can_be_revoked(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        row, key = create_api_key(session, "ci")
    assert key.startswith(f"enl_{row.prefix}_")
    assert key not in row.key_hash
    with sessions() as session:
        found = authenticate_api_key(session, key)
        assert found is not None
        assert found.name == "ci"
        assert authenticate_api_key(session, key + "x") is None
        assert authenticate_api_key(session, "enl_nope") is None
        assert authenticate_api_key(session, "") is None
    with sessions.begin() as session:
        assert revoke_api_key(session, row.prefix)
        assert not revoke_api_key(session, row.prefix)
    with sessions() as session:
        assert authenticate_api_key(session, key) is None
