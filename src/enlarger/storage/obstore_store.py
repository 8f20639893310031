"""``ObjectStore`` over obstore: one class for a local folder (LocalStore) and S3 (S3Store)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

import obstore
from obstore.exceptions import BaseError
from obstore.store import LocalStore, S3Store

from enlarger.storage.protocol import (
    ObjectInfo,
    ObjectNotFound,
    StorageUnavailableError,
    check_key,
    check_prefix,
    exists_by_head,
)

if TYPE_CHECKING:
    from obstore import ObjectMeta

#: S3 deletes at most 1000 keys per request.
DELETE_BATCH = 1000


class ObstoreStore:
    """Wraps an obstore ``LocalStore`` or ``S3Store`` and translates its errors to ours."""

    def __init__(
        self, store: LocalStore | S3Store, description: str, list_chunk_size: int = 100
    ) -> None:
        self._store = store
        self._description = description
        self._list_chunk_size = list_chunk_size
        # LocalStore rejects put attributes; it keeps only the bytes.
        self._keeps_attributes = isinstance(store, S3Store)

    def describe(self) -> str:
        return self._description

    def __repr__(self) -> str:
        return f"ObstoreStore({self._description})"

    async def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        check_key(key)
        attributes = (
            {"Content-Type": content_type} if content_type and self._keeps_attributes else None
        )
        with self._errors("put", key):
            await obstore.put_async(self._store, key, data, attributes=attributes)

    async def get(self, key: str) -> bytes:
        check_key(key)
        with self._errors("get", key):
            result = await obstore.get_async(self._store, key)
            return bytes(await result.bytes_async())

    async def head(self, key: str) -> ObjectInfo:
        check_key(key)
        with self._errors("head", key):
            return _info(await obstore.head_async(self._store, key))

    async def exists(self, key: str) -> bool:
        return await exists_by_head(self, key)

    async def delete(self, key: str) -> None:
        check_key(key)
        with suppress(ObjectNotFound), self._errors("delete", key):
            await obstore.delete_async(self._store, key)

    async def delete_prefix(self, prefix: str) -> None:
        keys = [info.key async for info in self.list(prefix)]
        for start in range(0, len(keys), DELETE_BATCH):
            await self._delete_many(keys[start : start + DELETE_BATCH])

    async def list(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        prefix = check_prefix(prefix)
        try:
            with self._errors("list", prefix):
                stream = obstore.list(self._store, prefix or None, chunk_size=self._list_chunk_size)
                async for chunk in stream:
                    for meta in chunk:
                        yield _info(meta)
        except StorageUnavailableError:
            # A local folder cannot be walked below a file: nothing lives there (as on S3).
            if not await self._below_an_object(prefix):
                raise

    async def _below_an_object(self, prefix: str) -> bool:
        segments = prefix.split("/")
        for depth in range(1, len(segments)):
            if await self.exists("/".join(segments[:depth])):
                return True
        return False

    async def _delete_many(self, keys: Sequence[str]) -> None:
        try:
            with self._errors("delete", keys[0]):
                await obstore.delete_async(self._store, keys)
        except ObjectNotFound:
            # LocalStore stops at the first key that vanished meanwhile: go one by one.
            for key in keys:
                await self.delete(key)

    @contextmanager
    def _errors(self, operation: str, key: str) -> Iterator[None]:
        try:
            yield
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc
        except (BaseError, OSError) as exc:
            raise StorageUnavailableError(self._description, f"{operation} {key!r}") from exc


def _info(meta: ObjectMeta) -> ObjectInfo:
    return ObjectInfo(
        key=meta["path"],
        size=meta["size"],
        last_modified=meta["last_modified"],
        etag=meta["e_tag"],
    )
