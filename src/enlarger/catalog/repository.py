"""Catalog queries other modules call. Each takes the caller's session and never commits:
the caller owns the transaction (an upload records its image and its job in one)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from enlarger.catalog.models import ApiKey, Derivative, Image, Job, JobStatus, utcnow

API_KEY_TAG = "enl"


# images and derivatives


def get_image(session: Session, image_id: str) -> Image | None:
    return session.get(Image, image_id)


def find_image_by_sha256(session: Session, sha256: str) -> Image | None:
    return session.scalar(select(Image).where(Image.sha256 == sha256))


@dataclass(frozen=True, slots=True)
class DerivativeRecord:
    """What a conversion learned about one preset rendering."""

    preset: str
    canonical_spec: str
    object_key: str
    format: str
    width: int
    height: int
    bytes: int


def upsert_derivative(session: Session, image_id: str, record: DerivativeRecord) -> None:
    """Insert or replace the (image, preset) row: re-running a conversion is harmless."""
    values = {"image_id": image_id, **_fields(record), "created_at": utcnow()}
    insert = _dialect_insert(session)
    statement = insert.values(values).on_conflict_do_update(
        index_elements=[Derivative.image_id, Derivative.preset],
        set_={k: v for k, v in values.items() if k not in {"image_id", "preset"}},
    )
    session.execute(statement)


def list_derivatives(session: Session, image_id: str) -> list[Derivative]:
    query = select(Derivative).where(Derivative.image_id == image_id).order_by(Derivative.preset)
    return list(session.scalars(query))


def get_derivative(session: Session, image_id: str, preset: str) -> Derivative | None:
    query = select(Derivative).where(Derivative.image_id == image_id, Derivative.preset == preset)
    return session.scalar(query)


def _fields(record: DerivativeRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in DerivativeRecord.__slots__}


def _dialect_insert(session: Session) -> Any:
    """``INSERT`` with ``ON CONFLICT`` for the session's backend (same syntax in both)."""
    insert: type[Insert] = (
        postgresql.Insert if session.get_bind().dialect.name == "postgresql" else sqlite.Insert
    )
    return insert(Derivative)


# jobs


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


def get_job(session: Session, job_id: str) -> Job | None:
    return session.get(Job, job_id)


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


# API keys


def create_api_key(session: Session, name: str) -> tuple[ApiKey, str]:
    """A new key: the row (hash only) and the key itself, shown to the user once."""
    prefix = secrets.token_hex(4)
    key = f"{API_KEY_TAG}_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(name=name, prefix=prefix, key_hash=_hash_key(key), created_at=utcnow())
    session.add(row)
    session.flush()
    return row, key


def authenticate_api_key(session: Session, presented: str) -> ApiKey | None:
    """The live key row matching ``presented``, or None (unknown, malformed, revoked)."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_TAG:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if row is None or row.revoked_at is not None:
        return None
    return row if hmac.compare_digest(row.key_hash, _hash_key(presented)) else None


def revoke_api_key(session: Session, prefix: str) -> bool:
    """Revoke by prefix; False when no live key has it."""
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


def _hash_key(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()
