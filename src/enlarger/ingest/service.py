"""The ingest use case: validate, address by content, store the original, record it.

Order matters for consistency: the original is written to the store (and its replica)
before the image row and its conversion job are committed in one transaction, so a row
never points at a missing object. A crash in between leaves an orphan object that the
next identical upload overwrites with the same bytes and records, or that the orphan
sweeper (``ingest/orphans.py``) removes after a grace period; an upload checks its object
is still there once its row commits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import anyio.to_thread

from enlarger.catalog.images import DuplicateImage, add_image, find_image_by_sha256
from enlarger.catalog.jobs import enqueue
from enlarger.catalog.models import Image
from enlarger.catalog.types import Session, sessionmaker
from enlarger.errors import FetchFailed, InvalidCallback
from enlarger.ingest.fetch import fetch_image
from enlarger.ingest.image_views import CONVERT_JOB
from enlarger.ingest.inspection import Inspection, inspect_upload
from enlarger.security.ssrf import check_url, resolve
from enlarger.settings import Settings
from enlarger.storage.keys import original_key
from enlarger.storage.protocol import ObjectStore

T = TypeVar("T")
#: runs CPU work off the event loop (the render pool's ``run``, or a plain thread).
PixelRunner = Callable[[Callable[[], T]], Awaitable[T]]


@dataclass(frozen=True, slots=True)
class Ingested:
    """The image an upload resolved to; ``created`` is False for a duplicate."""

    image: Image
    created: bool
    job_id: str | None


class Ingestor:
    def __init__(
        self,
        settings: Settings,
        store: ObjectStore,
        sessions: sessionmaker[Session],
        run_pixels: PixelRunner[Inspection] | None = None,
        dispatch: Callable[[], None] = lambda: None,
    ) -> None:
        self._ingest = settings.ingest
        self._max_pixels = settings.render.max_source_pixels
        self._store = store
        self._sessions = sessions
        self._run_pixels = run_pixels or _in_thread
        self._dispatch = dispatch

    async def check_callback(self, callback_url: str | None) -> None:
        """Refuse a callback URL that is not http(s) or does not resolve (400), or leads
        somewhere private (403)."""
        if callback_url is None:
            return
        host = check_url(callback_url)
        try:
            await resolve(host, 443, self._ingest.allow_private_urls)
        except FetchFailed as exc:
            raise InvalidCallback(
                f"callback_url: its host {host} does not resolve, so events could not be "
                "delivered; give a callback_url whose host resolves",
                field="callback_url",
                host=host,
            ) from exc

    async def from_url(self, url: str, callback_url: str | None = None) -> Ingested:
        await self.check_callback(callback_url)
        data = await fetch_image(
            url,
            max_bytes=self._ingest.max_upload_bytes,
            timeout_s=self._ingest.fetch_timeout_s,
            allow_private=self._ingest.allow_private_urls,
        )
        return await self.from_bytes(data, callback_url)

    async def from_bytes(self, data: bytes, callback_url: str | None = None) -> Ingested:
        """Validate and record ``data``; a duplicate returns the existing image."""
        await self.check_callback(callback_url)
        limits = (self._ingest.max_upload_bytes, self._max_pixels, self._ingest.keep_gps)
        inspection = await self._run_pixels(lambda: inspect_upload(data, *limits))
        existing = await anyio.to_thread.run_sync(self._find, inspection.sha256)
        if existing is not None:
            return Ingested(existing, created=False, job_id=None)
        image = _describe(len(data), inspection, callback_url)
        media_type = inspection.validated.kind.media_type
        await self._store.put(image.original_key, data, media_type)
        ingested = await anyio.to_thread.run_sync(self._record, image)
        if ingested.created:
            # An orphan sweep may have taken the object between the write and the commit.
            if not await self._store.exists(image.original_key):
                await self._store.put(image.original_key, data, media_type)
            self._dispatch()
        return ingested

    def _find(self, sha256: str) -> Image | None:
        with self._sessions() as session:
            return find_image_by_sha256(session, sha256)

    def _record(self, image: Image) -> Ingested:
        """Image row and conversion job in one transaction; a racing twin wins cleanly."""
        try:
            with self._sessions.begin() as session:
                add_image(session, image)
                job = enqueue(session, CONVERT_JOB, {"image_id": image.id}, image_id=image.id)
                job_id = job.id
        except DuplicateImage:
            winner = self._find(image.sha256)
            if winner is None:
                raise
            return Ingested(winner, created=False, job_id=None)
        return Ingested(image, created=True, job_id=job_id)


def _describe(size: int, inspection: Inspection, callback_url: str | None) -> Image:
    kind, facts, sha256 = inspection.validated.kind, inspection.validated.facts, inspection.sha256
    return Image(
        sha256=sha256,
        original_key=original_key(sha256, kind.extension),
        format=kind.name,
        width=facts.oriented_width,
        height=facts.oriented_height,
        bytes=size,
        orientation=facts.orientation,
        has_alpha=facts.has_alpha,
        color_space=facts.interpretation,
        exif=inspection.exif,
        dominant_color=inspection.dominant_colour,
        blurhash=inspection.blurhash,
        callback_url=callback_url,
    )


async def _in_thread(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)
