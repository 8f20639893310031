"""Job kinds: kind -> handler, plus listeners told when a job of a kind is finished.

Built-in kinds come from ``BUILTIN_HANDLER_MODULES``; ``Settings.jobs.handler_modules``
adds more (tests register slow handlers this way in worker subprocesses). Each module
has ``register(registry: HandlerRegistry) -> None``.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import os
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from enlarger.catalog.models import Job, JobStatus
from enlarger.catalog.types import Session, sessionmaker
from enlarger.errors import ConfigError
from enlarger.jobs.protocol import ClaimedJob
from enlarger.presets import PresetSpecs, validate_presets
from enlarger.settings import Settings
from enlarger.storage.protocol import ObjectStore

BUILTIN_HANDLER_MODULES: tuple[str, ...] = (
    "enlarger.jobs.convert",
    "enlarger.jobs.optimize",
    "enlarger.webhooks.job",
)

T = TypeVar("T")


class JobContext:
    """What handlers may use: settings, parsed presets, catalog sessions and the object store.

    ``presets`` are the services' parsed presets; without them ``settings.presets`` are
    parsed here, once.
    """

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        open_store: Callable[[], ObjectStore],
        presets: PresetSpecs | None = None,
    ) -> None:
        self.settings = settings
        self.presets = validate_presets(settings.presets) if presets is None else presets
        self.sessions = sessions
        self._open_store = open_store
        self._store: ObjectStore | None = None

    @functools.cached_property
    def renders(self) -> ThreadPoolExecutor:
        """The render threads every job shares, one per CPU: one job's presets render side
        by side when the other slots are idle (the last image of a batch is not left to one
        core), and jobs running together still render on one thread per CPU."""
        return ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="enlarger-job-render")

    @property
    def store(self) -> ObjectStore:
        if self._store is None:
            self._store = self._open_store()
        return self._store

    @staticmethod
    def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
        """Run store I/O from a worker thread (handlers are synchronous)."""
        return asyncio.run(coroutine)


#: runs one attempt of a job; raising fails the attempt (``PermanentJobError``: for good).
Handler = Callable[[JobContext, ClaimedJob], None]
#: called with (session, job, outcome) in the transaction that marks a job done or failed.
FinishedListener = Callable[[Session, Job, JobStatus], None]


class HandlerRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._listeners: dict[str, list[FinishedListener]] = {}

    def register(self, kind: str, handler: Handler) -> None:
        if kind in self._handlers:
            raise ConfigError(f"job kind {kind!r} is registered twice")
        self._handlers[kind] = handler

    def on_finished(self, kind: str, listener: FinishedListener) -> None:
        self._listeners.setdefault(kind, []).append(listener)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self._handlers)

    def handler(self, kind: str) -> Handler:
        return self._handlers[kind]

    def notify_finished(self, session: Session, job: Job, outcome: JobStatus) -> None:
        for listener in self._listeners.get(job.kind, ()):
            listener(session, job, outcome)


def build_registry(settings: Settings) -> HandlerRegistry:
    registry = HandlerRegistry()
    extra = [m.strip() for m in settings.jobs.handler_modules.split(",") if m.strip()]
    for name in (*BUILTIN_HANDLER_MODULES, *extra):
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ConfigError(f"job handler module {name!r} cannot be imported: {exc}") from exc
        module.register(registry)
    return registry
