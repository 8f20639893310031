"""Catalog queries on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from enlarger.catalog.api_keys import (
    authenticate_api_key,
    create_api_key,
    find_api_key,
    list_api_keys,
    revoke_api_key,
)
from enlarger.catalog.derivatives import (
    DerivativeRecord,
    count_stored,
    derivatives_of,
    list_derivatives,
    preset_derivatives,
    upsert_derivative,
)
from enlarger.catalog.images import (
    DuplicateImage,
    add_image,
    delete_image,
    find_image_by_sha256,
    get_image,
    newest_images,
)
from enlarger.catalog.jobs import (
    enqueue,
    get_job,
    job_report,
    latest_jobs,
    mark_published,
    to_publish,
)
from enlarger.catalog.models import Derivative, Image, Job, JobStatus, WebhookDelivery, utcnow
from enlarger.catalog.webhook_deliveries import record_delivery


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


def record(preset: str, width: int, fmt: str = "webp") -> DerivativeRecord:
    return DerivativeRecord(
        preset=preset,
        canonical_spec=f"w={width}",
        object_key=f"derivatives/{preset}-{width}.{fmt}",
        format=fmt,
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
        [thumb] = preset_derivatives(session, image.id, "thumb")
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


def test_a_second_image_with_the_same_bytes_is_a_duplicate(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        add_image(session, new_image())
    with pytest.raises(DuplicateImage), sessions.begin() as session:
        add_image(session, new_image())
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Image)) == 1


def test_newest_images_pages_by_creation_time_then_id(sessions: sessionmaker[Session]) -> None:
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with sessions.begin() as session:
        for n, (image_id, age_s) in enumerate([("a", 3), ("b", 1), ("c", 1), ("d", 2)]):
            image = new_image(f"{n:064x}")
            image.id, image.created_at = image_id, moment - dt.timedelta(seconds=age_s)
            add_image(session, image)
    with sessions() as session:
        first = newest_images(session, 3)
        assert [i.id for i in first] == ["c", "b", "d"]
        after = (first[-1].created_at, first[-1].id)
        assert [i.id for i in newest_images(session, 3, after)] == ["a"]
        assert newest_images(session, 3, (moment - dt.timedelta(hours=1), "z")) == []


def test_deleting_an_image_by_id_keeps_the_others(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        image = added_image(session)
        other = new_image("b" * 64)
        add_image(session, other)
        upsert_derivative(session, image.id, record("thumb", 200))
    with sessions.begin() as session:
        delete_image(session, image.id)
    with sessions() as session:
        assert get_image(session, image.id) is None
        assert get_image(session, other.id) is not None
        assert derivatives_of(session, [image.id, other.id]) == {}


def test_derivatives_and_latest_jobs_of_many_images_at_once(
    sessions: sessionmaker[Session],
) -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with sessions.begin() as session:
        images = [new_image(f"{n:064x}") for n in range(3)]
        for image in images:
            add_image(session, image)
        first, second, bare = (image.id for image in images)
        upsert_derivative(session, first, record("thumb", 200))
        upsert_derivative(session, first, record("small", 480))
        upsert_derivative(session, second, record("thumb", 100))
        for n, image_id in enumerate([first, first, second]):
            job = enqueue(session, "convert", {"n": n}, image_id=image_id)
            job.created_at = start + dt.timedelta(seconds=n)
        enqueue(session, "webhook", {}, image_id=bare)
    with sessions() as session:
        found = derivatives_of(session, [first, second, bare])
        latest = latest_jobs(session, [first, second, bare], "convert")
        assert count_stored(session, [first, second, bare], ["thumb", "small"]) == 3
        assert count_stored(session, [second], ["small"]) == 0
    assert {i: [d.preset for d in ds] for i, ds in found.items()} == {
        first: ["small", "thumb"],
        second: ["thumb"],
    }
    assert {i: job.payload for i, job in latest.items()} == {first: {"n": 1}, second: {"n": 2}}


def test_the_outbox_hands_out_unpublished_jobs_once_marked(
    sessions: sessionmaker[Session],
) -> None:
    now = utcnow()
    with sessions.begin() as session:
        ids = [enqueue(session, "k", {"n": n}).id for n in range(3)]
        running = enqueue(session, "k", {})
        running.status, running.lease_until = JobStatus.RUNNING, now - dt.timedelta(seconds=90)
    with sessions.begin() as session:
        batch = to_publish(session, now, lease_s=60, limit=2)
        assert [job_id for job_id, _ in batch] == ids[:2]
        mark_published(session, [job_id for job_id, _ in batch], now)
    with sessions.begin() as session:
        rest = [job_id for job_id, _ in to_publish(session, now, lease_s=60, limit=10)]
    assert rest == [ids[2], running.id]  # the orphan: its lease expired a lease period ago
    with sessions() as session:
        job = get_job(session, ids[0])
        assert job is not None
        assert job.published_at == now


def test_api_keys_are_listed_and_found_by_id_or_prefix(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        first, _ = create_api_key(session, "cms")
        second, _ = create_api_key(session, "ci")
        third, _ = create_api_key(session, "cdn")
        first.prefix = "abcd1234"
        third.prefix = "20477413"  # hex prefixes may be all digits: not an id, a prefix
    with sessions() as session:
        assert [k.name for k in list_api_keys(session)] == ["cms", "ci", "cdn"]
        by_id = find_api_key(session, str(second.id))
        by_prefix = find_api_key(session, first.prefix)
        by_digits = find_api_key(session, "20477413")
        assert (by_id and by_id.name, by_prefix and by_prefix.name) == ("ci", "cms")
        assert by_digits is not None
        assert by_digits.name == "cdn"
        assert find_api_key(session, "999") is None
        assert find_api_key(session, "nope") is None


def test_webhook_deliveries_are_logged_per_attempt(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        image = added_image(session)
        for attempt, (code, error) in enumerate([(None, "timed out"), (200, None)], start=1):
            record_delivery(
                session,
                event_id="evt_1",
                image_id=image.id,
                url="https://example.com/hook",
                attempt=attempt,
                status_code=code,
                error=error,
                duration_ms=12.5,
            )
    with sessions() as session:
        rows = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.attempt)).all()
    assert [(r.attempt, r.status_code, r.error, r.image_id) for r in rows] == [
        (1, None, "timed out", image.id),
        (2, 200, None, image.id),
    ]
