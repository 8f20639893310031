"""The contract every origin implements.

``stat`` comes first and must be cheap: the render route builds the ETag from it and
answers 304 or refuses an oversized source before any byte is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SourceStat:
    """What the HTTP layer needs to know about a source before reading it.

    ``identity`` changes whenever the bytes may have changed (it feeds the ETag);
    ``mtime`` is unix seconds (Last-Modified).
    """

    size: int
    mtime: float
    identity: str


class Origin(Protocol):
    """A source of original images addressed by a relative path or key.

    Both methods raise ``NotFound`` for anything that does not exist or may not be
    served, and ``PayloadTooLarge`` for a source above the byte limit.
    """

    async def stat(self, path: str) -> SourceStat: ...

    async def read(self, path: str) -> bytes: ...
