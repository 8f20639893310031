"""The catalog tables (SQLAlchemy 2 declarative models).

Timestamps are timezone-aware UTC in Python on every backend (``UTCDateTime``). Public
ids are short random URL-safe strings so they can appear in URLs without revealing
counts or order.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: constraint names are fixed so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_public_id(nbytes: int = 9) -> str:
    """A random URL-safe id: 9 bytes give 12 characters."""
    return secrets.token_urlsafe(nbytes)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in Python; naive UTC in SQLite, timestamptz in PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Image(Base):
    """One uploaded original, stored once per content (``sha256``)."""

    __tablename__ = "images"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_public_id)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_key: Mapped[str] = mapped_column(String(512))
    #: libvips loader name of the original ("jpeg", "png", "heif", ...).
    format: Mapped[str] = mapped_column(String(16))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(BigInteger)
    orientation: Mapped[int] = mapped_column(Integer, default=1)
    has_alpha: Mapped[bool] = mapped_column(Boolean, default=False)
    color_space: Mapped[str] = mapped_column(String(32), default="srgb")
    exif: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    #: "#rrggbb"
    dominant_color: Mapped[str | None] = mapped_column(String(7))
    blurhash: Mapped[str | None] = mapped_column(String(128))
    callback_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Derivative(Base):
    """One preset rendering of an image, stored at a deterministic object key; an
    ``auto=format`` preset has one per negotiable format (and its fallback)."""

    __tablename__ = "derivatives"
    __table_args__ = (
        UniqueConstraint("image_id", "preset", "format", name="uq_derivatives_image_preset_format"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    image_id: Mapped[str] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"))
    preset: Mapped[str] = mapped_column(String(64))
    #: ``spec.canonical.canonical(spec)`` of the preset when it was rendered.
    canonical_spec: Mapped[str] = mapped_column(Text)
    object_key: Mapped[str] = mapped_column(String(512))
    format: Mapped[str] = mapped_column(String(16))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Job(Base):
    """A unit of background work. This row, not any broker, is the source of truth.

    ``max_attempts`` NULL means the engine's configured limit. ``published_at`` is the
    transactional outbox mark of the RabbitMQ engine (NULL: not yet handed to the broker).
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_claim", "status", "run_after"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: new_public_id(12))
    kind: Mapped[str] = mapped_column(String(64))
    image_id: Mapped[str | None] = mapped_column(
        ForeignKey("images.id", ondelete="SET NULL"), index=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    status: Mapped[JobStatus] = mapped_column(
        Enum(
            JobStatus,
            name="job_status",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=JobStatus.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    run_after: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: one ``{"attempt", "at", "error", "worker"}`` object per failed attempt.
    error_history: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)


class ApiKey(Base):
    """An API key: only a SHA-256 of the key is kept; ``prefix`` finds the row."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One attempt to deliver one webhook event."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    image_id: Mapped[str | None] = mapped_column(
        ForeignKey("images.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    attempt: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[float | None] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Optimization(Base):
    """One request to the optimization API (Kraken's wire format or ``/v1/optimize``).

    ``input_key`` holds the stored input until the job is done; ``result`` is the
    Kraken-shaped answer; its files live under ``optimize/results/<id>/`` until
    ``expires_at``, when the sweeper removes them and sets ``swept_at``.
    """

    __tablename__ = "optimizations"
    __table_args__ = (Index("ix_optimizations_key_created", "api_key_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_public_id)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    input_key: Mapped[str | None] = mapped_column(String(512))
    input_bytes: Mapped[int] = mapped_column(BigInteger)
    saved_bytes: Mapped[int | None] = mapped_column(BigInteger)
    callback_url: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    swept_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class OptimizeQuota(Base):
    """An API key's monthly optimization quota, in bytes of input (no row: unlimited)."""

    __tablename__ = "optimize_quotas"

    api_key_id: Mapped[int] = mapped_column(
        ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True
    )
    monthly_bytes: Mapped[int] = mapped_column(BigInteger)
