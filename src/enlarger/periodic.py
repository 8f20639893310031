"""Background work repeated while the server runs (the sweepers of ``enlarger serve``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import structlog

log = structlog.get_logger("enlarger.periodic")


@contextlib.asynccontextmanager
async def periodically(
    work: Callable[[], Awaitable[bool]], interval_s: float, name: str
) -> AsyncIterator[None]:
    """Run ``work`` at once and then every ``interval_s`` seconds while the block runs.

    ``work`` returns whether more is waiting (a full batch): then it runs again at once. A
    failure is logged and the loop goes on, so one bad sweep does not stop the next.
    """

    async def loop() -> None:
        while True:
            try:
                more = await work()
            except Exception:
                log.exception("periodic_work_failed", work=name)
                more = False
            await asyncio.sleep(0 if more else interval_s)

    task = asyncio.create_task(loop(), name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
