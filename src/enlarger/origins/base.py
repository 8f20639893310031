"""The contract every origin implements.

``locate`` comes first and must be cheap: the render route builds the ETag from the
``Source`` it returns and answers 304 or refuses an oversized source before any byte is
read. The lookup (path checks, the catalog row) happens once, there; ``Source.read``
only fetches the bytes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Source:
    """A located original: what the HTTP layer needs before reading it, and the reader.

    ``identity`` changes whenever the bytes may have changed (it feeds the ETag);
    ``mtime`` is unix seconds (Last-Modified).
    """

    size: int
    mtime: float
    identity: str
    read: Callable[[], Awaitable[bytes]]


class Origin(Protocol):
    """A source of original images addressed by a relative path or key.

    ``locate`` raises ``NotFound`` for anything that does not exist or may not be served,
    and ``PayloadTooLarge`` for a source above the byte limit; ``Source.read`` may raise
    them too (the source vanished or grew in between).
    """

    async def locate(self, path: str) -> Source: ...
