"""Optimization rows and per-key quotas: recording, finishing, usage this month, expiry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from enlarger.catalog.models import Optimization, OptimizeQuota, utcnow

QUEUED, DONE, FAILED = "queued", "done", "failed"


@dataclass(frozen=True, slots=True)
class Usage:
    """An API key's optimizations since the start of the month (UTC)."""

    requests: int
    input_bytes: int
    saved_bytes: int


def add_optimization(
    session: Session,
    *,
    api_key_id: int | None,
    input_bytes: int,
    input_key: str | None = None,
    callback_url: str | None = None,
    optimization_id: str | None = None,
) -> Optimization:
    row = Optimization(
        api_key_id=api_key_id,
        status=QUEUED,
        input_key=input_key,
        input_bytes=input_bytes,
        callback_url=callback_url,
        created_at=utcnow(),
    )
    if optimization_id is not None:
        row.id = optimization_id
    session.add(row)
    session.flush()
    return row


def get_optimization(session: Session, optimization_id: str) -> Optimization | None:
    return session.get(Optimization, optimization_id)


def finish_optimization(
    session: Session,
    optimization_id: str,
    result: dict[str, Any],
    *,
    saved_bytes: int,
    expires_at: dt.datetime,
) -> None:
    """Record the answer; the stored input is no longer needed (``input_key`` cleared)."""
    session.execute(
        update(Optimization)
        .where(Optimization.id == optimization_id)
        .values(
            status=DONE if result.get("success") else FAILED,
            result=result,
            saved_bytes=saved_bytes,
            finished_at=utcnow(),
            expires_at=expires_at,
            input_key=None,
        )
    )


def month_usage(session: Session, api_key_id: int, now: dt.datetime | None = None) -> Usage:
    start = (now or utcnow()).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    row = session.execute(
        select(
            func.count(Optimization.id),
            func.coalesce(func.sum(Optimization.input_bytes), 0),
            func.coalesce(func.sum(Optimization.saved_bytes), 0),
        ).where(Optimization.api_key_id == api_key_id, Optimization.created_at >= start)
    ).one()
    requests, input_bytes, saved = row
    return Usage(int(requests), int(input_bytes or 0), int(saved or 0))


def monthly_quota(session: Session, api_key_id: int) -> int | None:
    """The key's quota in bytes of input a month; None: unlimited."""
    row = session.get(OptimizeQuota, api_key_id)
    return None if row is None else row.monthly_bytes


def set_monthly_quota(session: Session, api_key_id: int, monthly_bytes: int | None) -> None:
    row = session.get(OptimizeQuota, api_key_id)
    if monthly_bytes is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(OptimizeQuota(api_key_id=api_key_id, monthly_bytes=monthly_bytes))
    else:
        row.monthly_bytes = monthly_bytes
    session.flush()


def expired_optimizations(
    session: Session, limit: int, now: dt.datetime | None = None
) -> list[str]:
    """Ids of finished optimizations past their expiry whose files are not yet removed."""
    query = (
        select(Optimization.id)
        .where(Optimization.expires_at <= (now or utcnow()), Optimization.swept_at.is_(None))
        .order_by(Optimization.expires_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def mark_swept(session: Session, optimization_ids: list[str]) -> None:
    if optimization_ids:
        session.execute(
            update(Optimization)
            .where(Optimization.id.in_(optimization_ids))
            .values(swept_at=utcnow())
        )
