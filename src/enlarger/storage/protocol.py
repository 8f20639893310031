"""The object store interface every backend implements, and the errors it raises.

Keys are ``/``-separated paths such as ``originals/ab/cd/ef/<sha256>.jpg``. A prefix names
whole path segments: ``derivatives/ab`` lists ``derivatives/ab/...`` but not
``derivatives/abc/...``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol

_STAGING_SUFFIX = re.compile(r"#\d+$")


class StorageError(Exception):
    """Base of everything a store raises; callers never see backend (obstore) errors."""


class ObjectNotFound(StorageError):
    """No object at ``key``. Deliberately not an HTTP error: the caller decides what it means."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no object at {key!r}")
        self.key = key


class InvalidKeyError(StorageError, ValueError):
    """A key or prefix that is empty or absolute, or has a part that is empty, ``.``, ``..``
    or ends in ``#<digits>``."""


class StorageUnavailableError(StorageError):
    """The backend failed (I/O, network, permissions); ``http.errors`` answers 503."""

    def __init__(self, store: str, operation: str) -> None:
        super().__init__(f"{operation} failed on {store}")
        self.store = store
        self.operation = operation

    def __str__(self) -> str:
        # obstore appends a multi-line debug dump to its messages; keep the summary line.
        cause = str(self.__cause__ or "unavailable").strip().splitlines()[0]
        return f"{self.operation} failed on {self.store}: {cause}"


@dataclasses.dataclass(frozen=True, slots=True)
class ObjectInfo:
    key: str
    size: int
    last_modified: datetime
    #: backend-specific; only comparable between two reads of the same store.
    etag: str | None = None


class ObjectStore(Protocol):
    """Async object storage. Puts are atomic: readers see the old object or the new one."""

    def describe(self) -> str:
        """Where the objects live, for logs and the CLI (never includes credentials)."""
        ...

    async def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        """Create or overwrite ``key``. ``content_type`` is kept where the backend can (S3)."""
        ...

    async def get(self, key: str) -> bytes:
        """The object's bytes; ``ObjectNotFound`` when missing."""
        ...

    async def head(self, key: str) -> ObjectInfo:
        """The object's size and dates; ``ObjectNotFound`` when missing."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether ``key`` holds an object (``exists_by_head`` serves every backend)."""
        ...

    async def delete(self, key: str) -> None:
        """Remove ``key``; deleting a missing key is not an error."""
        ...

    async def delete_prefix(self, prefix: str) -> None:
        """Remove every object under ``prefix``."""
        ...

    def list(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        """Every object under ``prefix`` (all objects for ``""``), each once, in no set order."""
        ...


async def exists_by_head(store: ObjectStore, key: str) -> bool:
    """``store.exists`` from ``store.head``: found unless the head says ``ObjectNotFound``."""
    try:
        await store.head(key)
    except ObjectNotFound:
        return False
    return True


def check_key(key: str) -> str:
    """Return ``key`` if it is a valid object key, else raise ``InvalidKeyError``."""
    segments = key.split("/")
    if not key or any(s in ("", ".", "..") for s in segments):
        raise InvalidKeyError(
            f"invalid object key {key!r}: expected a/b/c with no empty, . or .. parts"
        )
    if any(ord(c) < 0x20 or c == "\x7f" for c in key):
        raise InvalidKeyError(f"invalid object key {key!r}: control characters are not allowed")
    if any(_STAGING_SUFFIX.search(s) for s in segments):
        # obstore's LocalStore reserves "name#123" for its write-then-rename staging files.
        raise InvalidKeyError(f"invalid object key {key!r}: parts may not end in #<digits>")
    return key


def check_prefix(prefix: str) -> str:
    """Normalise a list prefix: ``""`` means everything; a trailing ``/`` is dropped."""
    stripped = prefix.rstrip("/")
    return check_key(stripped) if stripped else ""
