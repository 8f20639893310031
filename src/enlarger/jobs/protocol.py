"""The interface every job engine implements, and what a handler receives."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job a worker holds the lease on. ``attempts`` counts this attempt."""

    id: str
    kind: str
    payload: dict[str, Any]
    image_id: str | None
    attempts: int
    max_attempts: int
    owner: str
    #: error entries recorded by earlier attempts (see ``catalog.models.Job.error_history``).
    history: tuple[dict[str, Any], ...] = ()


class PermanentJobError(Exception):
    """Raised by a handler when retrying cannot help (the job fails at once)."""


class JobQueue(Protocol):
    """How committed jobs reach workers. Every engine passes tests/contract/test_job_queue.py."""

    def dispatch(self) -> None:
        """Jobs were just committed: get them to workers soon. Never blocks on the network."""
        ...

    def serve(self, stop: threading.Event) -> None:
        """One worker slot: claim and run jobs until ``stop`` is set."""
        ...

    def housekeep(self, stop: threading.Event) -> None:
        """Per-process background duty (the RabbitMQ outbox relay) until ``stop`` is set."""
        ...

    def close(self) -> None: ...
