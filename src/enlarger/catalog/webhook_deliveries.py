"""The webhook delivery log: one row per attempt to POST an event."""

from __future__ import annotations

from sqlalchemy.orm import Session

from enlarger.catalog.models import WebhookDelivery


def record_delivery(
    session: Session,
    *,
    event_id: str,
    image_id: str | None,
    url: str,
    attempt: int,
    status_code: int | None,
    error: str | None,
    duration_ms: float | None,
) -> None:
    session.add(
        WebhookDelivery(
            event_id=event_id,
            image_id=image_id,
            url=url,
            attempt=attempt,
            status_code=status_code,
            error=error,
            duration_ms=duration_ms,
        )
    )
