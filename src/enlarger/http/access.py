"""Access logs and request metrics: one JSON line and one observation per request.

``AccessLog`` is ASGI middleware; it puts an ``AccessRecord`` in the request's scope
for the handlers to fill in (the renderer sets the output format, the cache layer that
answered, the source's size and its timings), then logs the line and feeds the request
metrics when the response is sent.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from enlarger.http.metrics import Metrics

SCOPE_KEY = "enlarger.access"


@dataclass(slots=True)
class AccessRecord:
    """What handlers learned about one request; empty fields are logged as null."""

    format: str | None = None
    cache: str | None = None
    source_bytes: int | None = None
    #: seconds by stage: ``fetch`` (reading the source), ``queue`` (waiting for a render
    #: thread), ``render`` (the pipeline's steps), ``encode``; ``total`` is added at the end.
    timings: dict[str, float] = field(default_factory=dict)
    #: the request's render began on a pool thread (a deadline then met it running).
    rendering: bool = False


def access_record(request: Request) -> AccessRecord:
    """The request's record; a detached one when no ``AccessLog`` runs (bare test apps)."""
    record = request.scope.get(SCOPE_KEY)
    return record if isinstance(record, AccessRecord) else AccessRecord()


class StageTimer:
    """Times one render: the wait for a thread, then each step as the pipeline reports it
    (an ``imaging.StepClock``)."""

    def __init__(self) -> None:
        self._submitted = time.perf_counter()
        self.queue = 0.0
        self.steps: dict[str, float] = {}

    def started(self) -> None:
        """Called on the render thread as the work begins."""
        self.queue = time.perf_counter() - self._submitted

    def __call__(self, step: str, seconds: float) -> None:
        self.steps[step] = self.steps.get(step, 0.0) + seconds

    def record(self, record: AccessRecord) -> None:
        encode = self.steps.get("encode", 0.0)
        record.timings["queue"] = self.queue
        record.timings["render"] = sum(self.steps.values()) - encode
        record.timings["encode"] = encode


class AccessLog:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self._metrics = metrics
        self._log = structlog.get_logger("enlarger.access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = AccessRecord()
        scope[SCOPE_KEY] = record
        began, started = dt.datetime.now(dt.UTC), time.perf_counter()
        status, sent = 500, 0

        async def observed_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            record.timings["total"] = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            self._metrics.request(route, status, record.format, record.timings["total"])
            self._log.info("request", **_line(scope, began, status, sent, record))


def _line(
    scope: Scope, began: dt.datetime, status: int, sent: int, record: AccessRecord
) -> dict[str, Any]:
    return {
        "time": began.isoformat(),
        "method": scope["method"],
        "path": scope["path"],
        "query": scope.get("query_string", b"").decode("latin-1"),
        "status": status,
        "bytes": sent,
        "format": record.format,
        "cache": record.cache,
        "source_bytes": record.source_bytes,
        "timings_ms": {stage: round(s * 1000, 3) for stage, s in record.timings.items()},
    }
