"""The ``optimize`` job: a request accepted with ``callback_url``, run in a worker.

Idempotent: an optimization already finished (a worker died after recording it) is not
run again; result files are written at fixed keys. A client error (an undecodable
image, a size past the limits) is an answer, not a retry: it is recorded as
``{"success": false, ...}`` and the webhook listener posts it like any result.
"""

from __future__ import annotations

import datetime as dt

from enlarger.catalog.models import utcnow
from enlarger.catalog.optimizations import QUEUED, finish_optimization, get_optimization
from enlarger.errors import ClientError
from enlarger.jobs.protocol import ClaimedJob, PermanentJobError
from enlarger.jobs.registry import HandlerRegistry, JobContext
from enlarger.optimize.process import process
from enlarger.optimize.request import parse_request
from enlarger.optimize.results import failure, saved_bytes, store_results
from enlarger.optimize.service import OPTIMIZE_JOB
from enlarger.services import render_options
from enlarger.storage.protocol import ObjectNotFound


def register(registry: HandlerRegistry) -> None:
    registry.register(OPTIMIZE_JOB, run_optimization)


def run_optimization(context: JobContext, job: ClaimedJob) -> None:
    row_id = job.payload["optimization_id"]
    with context.sessions() as session:
        row = get_optimization(session, row_id)
        if row is None:
            raise PermanentJobError(f"optimization {row_id!r} is not in the catalog")
        if row.status != QUEUED or row.input_key is None:
            return
        key = row.input_key
    store = context.store
    try:
        data = context.run_async(store.get(key))
    except ObjectNotFound:
        raise PermanentJobError(f"the input of optimization {row_id!r} is gone") from None
    try:
        request = parse_request(job.payload["options"])
        processed = process(data, request, render_options(context.settings.render))
        answer = context.run_async(
            store_results(
                store,
                row_id,
                processed,
                request,
                job.payload["file_name"],
                job.payload["public_url"],
            )
        )
    except ClientError as exc:
        answer = failure(row_id, exc)
    ttl = context.settings.optimize.result_ttl_s
    with context.sessions.begin() as session:
        finish_optimization(
            session,
            row_id,
            answer,
            saved_bytes=saved_bytes(answer),
            expires_at=utcnow() + dt.timedelta(seconds=ttl),
        )
    context.run_async(store.delete(key))
