"""Worker processes and threads: ``enlarger worker``, and the worker inside ``enlarger serve``.

``python -m enlarger.jobs.worker`` runs the same worker as ``enlarger worker`` (tests start
it this way to kill it with SIGKILL).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from types import FrameType

import structlog

from enlarger.catalog.migrations import migrate
from enlarger.catalog.types import Session, sessionmaker
from enlarger.errors import ConfigError
from enlarger.jobs.embedded import EmbeddedQueue
from enlarger.jobs.protocol import JobQueue
from enlarger.jobs.rabbitmq import RabbitQueue
from enlarger.jobs.registry import JobContext, build_registry
from enlarger.jobs.runner import JobRunner
from enlarger.presets import PresetSpecs
from enlarger.services import Migrate, open_services
from enlarger.settings import QueueEngine, Settings
from enlarger.storage import ObjectStore, open_configured

log = structlog.get_logger("enlarger.jobs")

ENGINES = tuple(engine.value for engine in QueueEngine)


def build_queue(
    settings: Settings,
    sessions: sessionmaker[Session],
    open_store: Callable[[], ObjectStore] | None = None,
    presets: PresetSpecs | None = None,
) -> JobQueue:
    """The configured engine with every registered job kind; ``presets`` are the services'
    parsed presets (``JobContext`` parses ``settings.presets`` without them)."""
    registry = build_registry(settings)
    store = open_store or (lambda: open_configured(settings))
    context = JobContext(settings, sessions, store, presets)
    runner = JobRunner(registry, context, settings.jobs)
    if settings.jobs.queue_engine is QueueEngine.RABBITMQ:
        return RabbitQueue(runner)
    return EmbeddedQueue(runner)


class Worker:
    """``concurrency`` threads running jobs, plus the engine's housekeeping thread."""

    def __init__(self, queue: JobQueue, concurrency: int) -> None:
        if concurrency < 0:
            raise ConfigError(f"concurrency: expected 0 or more, got {concurrency}")
        self.queue = queue
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=queue.serve, args=(self._stop,), name=f"job-worker-{n}")
            for n in range(concurrency)
        ]
        self._threads.append(
            threading.Thread(target=queue.housekeep, args=(self._stop,), name="job-housekeeping")
        )

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def dispatch(self) -> None:
        """Call after committing new jobs so they start without waiting for a poll."""
        self.queue.dispatch()

    def stop(self, timeout: float | None = None) -> None:
        """Stop taking jobs; jobs already running finish first (up to ``timeout``)."""
        self._stop.set()
        self.queue.close()
        for thread in self._threads:
            thread.join(timeout)

    def wait(self) -> None:
        """Block until ``stop`` is called (from a signal handler, say)."""
        self._stop.wait()


def embedded_worker(
    settings: Settings,
    sessions: sessionmaker[Session],
    open_store: Callable[[], ObjectStore] | None = None,
    presets: PresetSpecs | None = None,
) -> Worker:
    """The background jobs of ``enlarger serve``, not started yet.

    Runs ``worker_slots`` job slots when ``settings.server.embedded_worker`` is on, and the
    engine's housekeeping (the RabbitMQ outbox relay) always. Its ``dispatch`` is what the
    upload API calls after a transaction that enqueued jobs.
    """
    slots = job_slots(settings) if settings.server.embedded_worker else 0
    return Worker(build_queue(settings, sessions, open_store, presets), slots)


def start_embedded_worker(
    settings: Settings,
    sessions: sessionmaker[Session],
    open_store: Callable[[], ObjectStore] | None = None,
    presets: PresetSpecs | None = None,
) -> Worker:
    """``embedded_worker``, started; call ``.stop()`` at shutdown."""
    worker = embedded_worker(settings, sessions, open_store, presets)
    worker.start()
    return worker


@asynccontextmanager
async def running(worker: Worker) -> AsyncIterator[Worker]:
    """The app lifespan's component: background jobs run while the app does."""
    await asyncio.to_thread(worker.start)
    try:
        yield worker
    finally:
        await asyncio.to_thread(worker.stop)


def job_slots(settings: Settings) -> int:
    """Jobs one worker process runs at once: ``worker_slots``, 0 meaning one per CPU."""
    return settings.jobs.worker_slots or os.cpu_count() or 1


def run_worker(
    settings: Settings, concurrency: int | None = None, migrate_catalog: Migrate = migrate
) -> None:
    """``enlarger worker``: check the settings, migrate, then run jobs until SIGTERM/SIGINT.

    ``concurrency`` overrides ``worker_slots``.
    """
    services = open_services(settings, migrate_catalog)
    queue = build_queue(settings, services.sessions, lambda: services.store, services.preset_specs)
    slots = concurrency or job_slots(settings)
    worker = Worker(queue, slots)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("worker stopping", signal=signal.Signals(signum).name)
        worker.stop(timeout=0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    worker.start()
    log.info("worker started", engine=settings.jobs.queue_engine.value, concurrency=slots)
    worker.wait()
    worker.stop()
    services.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m enlarger.jobs.worker")
    parser.add_argument("--engine", choices=ENGINES)
    parser.add_argument("--concurrency", type=int)
    args = parser.parse_args(argv)
    settings = Settings.load(overrides={"queue_engine": args.engine})
    run_worker(settings, args.concurrency)


if __name__ == "__main__":
    main()
