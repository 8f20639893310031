"""Catalog work from async routes: each call runs in a worker thread with its own session."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread

from enlarger.catalog.types import Session, sessionmaker

T = TypeVar("T")


async def in_session(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """``work(session)`` on a read session, off the event loop."""

    def run() -> T:
        with sessions() as session:
            return work(session)

    return await anyio.to_thread.run_sync(run)


async def in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """``work(session)`` in a transaction that commits when it returns, off the event loop."""

    def run() -> T:
        with sessions.begin() as session:
            return work(session)

    return await anyio.to_thread.run_sync(run)
