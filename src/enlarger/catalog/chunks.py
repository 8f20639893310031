"""Ids in batches for ``IN (...)`` queries, well under SQLite's bound-parameter limit."""

from __future__ import annotations

from collections.abc import Collection, Iterator

CHUNK = 500


def chunks(ids: Collection[str]) -> Iterator[list[str]]:
    """``ids`` sorted, ``CHUNK`` at a time."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]
