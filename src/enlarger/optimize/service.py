"""The optimization use case behind both front doors (``/kraken/v1/...`` and
``/v1/optimize``) and the ``optimize`` job.

``wait: true`` runs the pixel work through ``run_pixels`` (the render pool) within the
``[optimize]`` deadline and answers the result. ``callback_url`` stores the input in the
object store first, then commits the optimization row and its job in one transaction
before answering ``{"success": true, "id": ...}``: a worker killed at any point after
that finds the job again, and the webhook delivery posts the answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio.to_thread

from enlarger.catalog.jobs import enqueue
from enlarger.catalog.models import new_public_id, utcnow
from enlarger.catalog.optimizations import (
    add_optimization,
    finish_optimization,
    month_usage,
    monthly_quota,
)
from enlarger.catalog.types import Session, sessionmaker
from enlarger.errors import DeadlineExceeded, QuotaExceeded
from enlarger.imaging import RenderOptions
from enlarger.optimize.process import Processed, process
from enlarger.optimize.request import OptimizeRequest, stored_options
from enlarger.optimize.results import input_key, saved_bytes, store_results
from enlarger.security.ssrf import check_url, resolve
from enlarger.settings import Settings
from enlarger.storage.protocol import ObjectStore

T = TypeVar("T")
PixelRunner = Callable[[Callable[[], T]], Awaitable[T]]
#: the job kind; its handler is ``enlarger.jobs.optimize``.
OPTIMIZE_JOB = "optimize"


@dataclass(frozen=True, slots=True)
class Submission:
    """One request as received: the raw options (for the job), parsed, and its input."""

    raw: dict[str, Any]
    request: OptimizeRequest
    data: bytes
    file_name: str
    public_url: str


class OptimizeService:
    def __init__(
        self,
        settings: Settings,
        store: ObjectStore,
        sessions: sessionmaker[Session],
        render: RenderOptions,
        run_pixels: PixelRunner[Processed],
        dispatch: Callable[[], None],
    ) -> None:
        self._settings = settings
        self._store = store
        self._sessions = sessions
        self._render = render
        self._run_pixels = run_pixels
        self._dispatch = dispatch

    async def check_destinations(self, request: OptimizeRequest) -> None:
        """Refuse a callback or S3 endpoint that is not http(s) (400) or is private (403)."""
        allow = self._settings.ingest.allow_private_urls
        for url in (request.callback_url, request.s3.endpoint if request.s3 else None):
            if url is not None:
                await resolve(check_url(url), 443, allow)

    async def submit(self, api_key_id: int, submission: Submission) -> dict[str, Any]:
        await self._within_quota(api_key_id, len(submission.data))
        if submission.request.callback_url is not None:
            return await self._accept(api_key_id, submission)
        return await self._wait(api_key_id, submission)

    async def _within_quota(self, api_key_id: int, input_bytes: int) -> None:
        def check(session: Session) -> None:
            quota = monthly_quota(session, api_key_id)
            if quota is None:
                return
            used = month_usage(session, api_key_id).input_bytes
            if used + input_bytes > quota:
                raise QuotaExceeded(
                    f"the monthly quota of {quota} bytes is used ({used} bytes this month)",
                    quota_total=quota,
                    quota_used=used,
                )

        await _in_transaction(self._sessions, check)

    async def _accept(self, api_key_id: int, submission: Submission) -> dict[str, Any]:
        row_id = new_public_id()
        key = input_key(row_id)
        await self._store.put(key, submission.data)
        payload = {
            "optimization_id": row_id,
            "options": stored_options(submission.raw),
            "file_name": submission.file_name,
            "public_url": submission.public_url,
        }

        def record(session: Session) -> None:
            add_optimization(
                session,
                api_key_id=api_key_id,
                input_bytes=len(submission.data),
                input_key=key,
                callback_url=submission.request.callback_url,
                optimization_id=row_id,
            )
            enqueue(session, OPTIMIZE_JOB, payload)

        await _in_transaction(self._sessions, record)
        self._dispatch()
        return {"success": True, "id": row_id}

    async def _wait(self, api_key_id: int, submission: Submission) -> dict[str, Any]:
        row_id = new_public_id()
        deadline_s = self._settings.optimize.optimize_deadline_s
        try:
            async with asyncio.timeout(deadline_s):
                processed = await self._run_pixels(
                    lambda: process(submission.data, submission.request, self._render)
                )
                answer = await store_results(
                    self._store,
                    row_id,
                    processed,
                    submission.request,
                    submission.file_name,
                    submission.public_url,
                )
        except TimeoutError:
            raise DeadlineExceeded(
                f"the optimization took longer than {deadline_s:g} s", retry_after=1
            ) from None
        await self.record_wait(api_key_id, row_id, len(submission.data), answer)
        return answer

    async def record_wait(
        self, api_key_id: int, row_id: str, input_bytes: int, answer: dict[str, Any]
    ) -> None:
        expires = self.expiry()

        def record(session: Session) -> None:
            add_optimization(
                session, api_key_id=api_key_id, input_bytes=input_bytes, optimization_id=row_id
            )
            finish_optimization(
                session, row_id, answer, saved_bytes=saved_bytes(answer), expires_at=expires
            )

        await _in_transaction(self._sessions, record)

    def expiry(self) -> dt.datetime:
        return utcnow() + dt.timedelta(seconds=self._settings.optimize.result_ttl_s)


async def _in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """``work`` in a transaction, off the event loop."""

    def run() -> T:
        with sessions.begin() as session:
            return work(session)

    return await anyio.to_thread.run_sync(run)
