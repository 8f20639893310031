"""The ``webhook`` job kind: tell an image's ``callback_url`` that its conversion finished,
and an optimization's ``callback_url`` its Kraken-shaped answer.

When a ``convert`` job is done or finally failed, a ``webhook`` job is enqueued in the
same transaction (so an event is never lost or sent for an uncommitted outcome). Each
attempt POSTs the event, signed, and logs a ``webhook_deliveries`` row; a failed attempt
raises so the job engine retries it with exponential backoff and jitter. Blocked or
malformed callback URLs fail at once: retrying cannot help. The event's ``data`` is the
image as ``GET /v1/images/{id}`` shows it at delivery time.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from enlarger.catalog.images import get_image
from enlarger.catalog.jobs import enqueue
from enlarger.catalog.models import Job, JobStatus, utcnow
from enlarger.catalog.optimizations import finish_optimization, get_optimization
from enlarger.catalog.types import Session
from enlarger.catalog.webhook_deliveries import record_delivery
from enlarger.ingest.image_views import CONVERT_JOB, image_json
from enlarger.jobs.protocol import ClaimedJob, PermanentJobError
from enlarger.jobs.registry import HandlerRegistry, JobContext
from enlarger.optimize.results import failure
from enlarger.optimize.service import OPTIMIZE_JOB
from enlarger.webhooks.delivery import Attempt, post_event

KIND = "webhook"
READY, FAILED = "image.ready", "image.failed"


class DeliveryError(Exception):
    """One attempt failed; the engine retries the job."""


def register(registry: HandlerRegistry) -> None:
    registry.register(KIND, deliver)
    registry.on_finished(CONVERT_JOB, enqueue_event)
    registry.on_finished(OPTIMIZE_JOB, enqueue_optimization_event)


def enqueue_event(session: Session, job: Job, outcome: JobStatus) -> None:
    """Queue the event for a finished conversion whose image asked for a callback."""
    image = get_image(session, job.image_id) if job.image_id else None
    if image is None or not image.callback_url:
        return
    payload = {
        "event_id": "evt_" + secrets.token_urlsafe(12),
        "type": READY if outcome == JobStatus.DONE else FAILED,
        "url": image.callback_url,
        "image_id": image.id,
        "job_id": job.id,
        "error": job.last_error if outcome != JobStatus.DONE else None,
        "at": dt.datetime.now(dt.UTC).isoformat(),
    }
    enqueue(session, KIND, payload, image_id=image.id)


def enqueue_optimization_event(session: Session, job: Job, outcome: JobStatus) -> None:
    """Queue the Kraken-shaped answer of a finished optimization for its ``callback_url``.

    A job that finally failed answers ``success: false`` with its last error, and its
    row is closed so the sweeper removes the stored input."""
    row = get_optimization(session, job.payload["optimization_id"])
    if row is None or not row.callback_url:
        return
    answer = row.result
    if outcome != JobStatus.DONE or answer is None:
        answer = failure(row.id, job.last_error or "the optimization failed")
        finish_optimization(session, row.id, answer, saved_bytes=0, expires_at=utcnow())
    payload = {"event_id": "evt_" + secrets.token_urlsafe(12), "url": row.callback_url}
    enqueue(session, KIND, {**payload, "body": answer, "image_id": None, "job_id": job.id})


def event_body(context: JobContext, payload: dict[str, Any]) -> bytes:
    """A ready body (optimizations: Kraken's answer) or an image event built now."""
    if "body" in payload:
        return json.dumps(payload["body"], separators=(",", ":"), sort_keys=True).encode()
    settings = context.settings
    with context.sessions() as session:
        image = get_image(session, payload["image_id"])
        data = (
            image_json(session, image, context.presets, settings.ingest.public_url)
            if image is not None
            else {"id": payload["image_id"], "deleted": True}
        )
    event = {
        "id": payload["event_id"],
        "type": payload["type"],
        "created_at": payload["at"],
        "job_id": payload["job_id"],
        "error": payload["error"],
        "data": data,
    }
    return json.dumps(event, separators=(",", ":"), sort_keys=True).encode()


def deliver(context: JobContext, job: ClaimedJob) -> None:
    payload = job.payload
    ingest = context.settings.ingest
    attempt = context.run_async(
        post_event(
            payload["url"],
            event_body(context, payload),
            secret=ingest.webhook_secret,
            allow_private=ingest.allow_private_urls,
            timeout_s=ingest.fetch_timeout_s,
            event_id=payload["event_id"],
        )
    )
    _log(context, job, attempt)
    if attempt.permanent:
        raise PermanentJobError(attempt.error)
    if not attempt.succeeded:
        raise DeliveryError(attempt.error)


def _log(context: JobContext, job: ClaimedJob, attempt: Attempt) -> None:
    with context.sessions.begin() as session:
        image_id = job.payload.get("image_id")
        image = get_image(session, image_id) if image_id else None
        record_delivery(
            session,
            event_id=job.payload["event_id"],
            image_id=None if image is None else image.id,
            url=job.payload["url"],
            attempt=job.attempts,
            status_code=attempt.status_code,
            error=attempt.error,
            duration_ms=attempt.duration_ms,
        )
