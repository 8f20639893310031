"""Image rows: record, find, page through and delete uploaded originals' facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from enlarger.catalog.models import Image

#: (created_at, id) of the last image of a page: the next page starts after it.
PageCursor = tuple[dt.datetime, str]


class DuplicateImage(Exception):
    """Another transaction recorded an image with the same content (sha256) first."""


def get_image(session: Session, image_id: str) -> Image | None:
    return session.get(Image, image_id)


def image_exists(session: Session, image_id: str, lock: bool = False) -> bool:
    """Whether ``image_id`` has a row; ``lock`` holds the row until the transaction ends
    (PostgreSQL; SQLite's write transactions already run one at a time), so a concurrent
    delete waits for it."""
    query = select(Image.id).where(Image.id == image_id)
    return session.scalar(query.with_for_update() if lock else query) is not None


def find_image_by_sha256(session: Session, sha256: str) -> Image | None:
    return session.scalar(select(Image).where(Image.sha256 == sha256))


def recorded_sha256s(session: Session, sha256s: Collection[str]) -> set[str]:
    """Which of ``sha256s`` have an image row."""
    if not sha256s:
        return set()
    return set(session.scalars(select(Image.sha256).where(Image.sha256.in_(list(sha256s)))))


def add_image(session: Session, image: Image) -> None:
    """Insert ``image`` now (it gets its id); ``DuplicateImage`` when its sha256 is taken."""
    session.add(image)
    try:
        session.flush()
    except IntegrityError as exc:
        raise DuplicateImage(image.sha256) from exc


def delete_image(session: Session, image_id: str) -> None:
    """Delete the row; its derivatives go with it, its jobs stay (their image_id is cleared)."""
    session.execute(delete(Image).where(Image.id == image_id))


def newest_images(session: Session, limit: int, after: PageCursor | None = None) -> list[Image]:
    """Up to ``limit`` images, newest first, starting after ``after``."""
    query = select(Image).order_by(Image.created_at.desc(), Image.id.desc())
    if after is not None:
        created, image_id = after
        query = query.where(
            or_(
                Image.created_at < created,
                and_(Image.created_at == created, Image.id < image_id),
            )
        )
    return list(session.scalars(query.limit(limit)))
