"""The origin of uploaded images: originals in the object store, addressed by image id."""

from __future__ import annotations

import functools

import anyio.to_thread

from enlarger.catalog.images import get_image
from enlarger.catalog.models import Image
from enlarger.catalog.types import Session, sessionmaker
from enlarger.errors import NotFound, PayloadTooLarge
from enlarger.origins.base import Source
from enlarger.storage.protocol import ObjectNotFound, ObjectStore


class StoreOrigin:
    def __init__(
        self, store: ObjectStore, sessions: sessionmaker[Session], max_source_bytes: int
    ) -> None:
        self._store = store
        self._sessions = sessions
        self._max_bytes = max_source_bytes

    async def locate(self, path: str) -> Source:
        image = await self._image(path)
        return Source(
            size=image.bytes,
            mtime=image.created_at.timestamp(),
            identity=image.sha256,
            read=functools.partial(self._read, path, image.original_key),
        )

    async def _read(self, path: str, key: str) -> bytes:
        try:
            return await self._store.get(key)
        except ObjectNotFound:
            raise NotFound(f"image {path!r} has no stored original") from None

    async def _image(self, image_id: str) -> Image:
        image = await anyio.to_thread.run_sync(self._load, image_id)
        if image is None:
            raise NotFound(f"no image with id {image_id!r}")
        if image.bytes > self._max_bytes:
            raise PayloadTooLarge(
                f"the original is larger than {self._max_bytes} bytes", limit=self._max_bytes
            )
        return image

    def _load(self, image_id: str) -> Image | None:
        with self._sessions() as session:
            return get_image(session, image_id)
