"""Webhook deliveries that finally failed: ``GET /v1/webhooks/failed`` lists them and
``POST /v1/webhooks/{job_id}/redeliver`` queues the same event (same ``id``, so receivers
can drop duplicates) as a new delivery job with a fresh set of retries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from enlarger.catalog.jobs import enqueue, failed_jobs, get_job
from enlarger.catalog.models import Job, JobStatus
from enlarger.catalog.types import Session, sessionmaker
from enlarger.errors import ClientError, NotFound, clipped
from enlarger.http.auth import Authorize
from enlarger.http.sessions import in_session, in_transaction
from enlarger.webhooks.job import KIND

MAX_LISTED = 100


def webhook_routes(
    sessions: sessionmaker[Session], authorize: Authorize, dispatch: Callable[[], None]
) -> list[Route]:
    async def failed(request: Request) -> Response:
        await authorize(request)
        raw = request.query_params.get("limit", "50")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LISTED:
            raise ClientError(
                f"limit must be a whole number from 1 to {MAX_LISTED}", given=clipped(raw)
            )
        jobs = await in_session(sessions, lambda s: failed_jobs(s, KIND, int(raw)))
        return JSONResponse({"items": [_failed_json(job) for job in jobs]})

    async def redeliver(request: Request) -> Response:
        await authorize(request)
        job_id = request.path_params["job_id"]

        def again(session: Session) -> str:
            job = get_job(session, job_id)
            if job is None or job.kind != KIND:
                raise NotFound(f"no webhook delivery {clipped(job_id)!r}", id=clipped(job_id))
            if job.status != JobStatus.FAILED:
                raise ClientError("only finally failed deliveries can be redelivered", id=job_id)
            return enqueue(session, KIND, dict(job.payload), image_id=job.image_id).id

        new_id = await in_transaction(sessions, again)
        dispatch()
        return JSONResponse({"job_id": new_id, "redelivers": job_id}, 202)

    return [
        Route("/v1/webhooks/failed", failed, methods=["GET"]),
        Route("/v1/webhooks/{job_id}/redeliver", redeliver, methods=["POST"]),
    ]


def _failed_json(job: Job) -> dict[str, Any]:
    return {
        "job_id": job.id,
        "event_id": job.payload.get("event_id"),
        "url": job.payload.get("url"),
        "attempts": job.attempts,
        "last_error": job.last_error,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
