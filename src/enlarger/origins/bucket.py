"""An object-store origin: originals in a bucket (any S3-compatible endpoint) by key."""

from __future__ import annotations

import functools

from enlarger.errors import NotFound, PayloadTooLarge
from enlarger.origins.base import Source
from enlarger.storage.protocol import InvalidKeyError, ObjectNotFound, ObjectStore, check_key


class BucketOrigin:
    """Serves ``store``'s objects by key (the path), up to ``max_bytes`` each."""

    def __init__(self, store: ObjectStore, max_bytes: int) -> None:
        self._store = store
        self._max_bytes = max_bytes

    async def locate(self, path: str) -> Source:
        try:
            info = await self._store.head(check_key(path))
        except (InvalidKeyError, ObjectNotFound):
            raise NotFound("no such image") from None
        if info.size > self._max_bytes:
            raise PayloadTooLarge(
                f"the source is {info.size} bytes; the limit is {self._max_bytes}",
                limit=self._max_bytes,
            )
        version = info.etag or f"{info.size}:{info.last_modified.timestamp()}"
        return Source(
            size=info.size,
            mtime=info.last_modified.timestamp(),
            identity=f"{path}:{version}",
            read=functools.partial(self._read, path),
        )

    async def _read(self, key: str) -> bytes:
        try:
            data = await self._store.get(key)
        except ObjectNotFound:
            raise NotFound("no such image") from None
        if len(data) > self._max_bytes:  # replaced by a larger object after the head
            raise PayloadTooLarge(
                f"the source is larger than the limit of {self._max_bytes} bytes",
                limit=self._max_bytes,
            )
        return data
