"""Derivative rows: one stored rendering per (image, preset, format). A preset has one
format, or one per negotiable format when it is ``auto=format``."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Insert, and_, case, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from enlarger.catalog.chunks import chunks
from enlarger.catalog.models import Derivative, Image, utcnow


@dataclass(frozen=True, slots=True)
class DerivativeRecord:
    """What a conversion learned about one preset rendering."""

    preset: str
    canonical_spec: str
    object_key: str
    format: str
    width: int
    height: int
    bytes: int


def upsert_derivative(session: Session, image_id: str, record: DerivativeRecord) -> None:
    """Insert or replace the (image, preset, format) row: re-running a conversion is harmless."""
    values = {"image_id": image_id, **_fields(record), "created_at": utcnow()}
    insert = _dialect_insert(session)
    statement = insert.values(values).on_conflict_do_update(
        index_elements=[Derivative.image_id, Derivative.preset, Derivative.format],
        set_={k: v for k, v in values.items() if k not in {"image_id", "preset", "format"}},
    )
    session.execute(statement)


def replace_preset(
    session: Session, image_id: str, preset: str, records: Collection[DerivativeRecord]
) -> None:
    """Make ``records`` the preset's rows of the image: upsert them and delete its rows of
    any other format (a preset whose ``fm`` or ``auto=format`` changed)."""
    formats = {record.format for record in records}
    session.execute(
        delete(Derivative).where(
            Derivative.image_id == image_id,
            Derivative.preset == preset,
            Derivative.format.not_in(formats),
        )
    )
    for record in records:
        upsert_derivative(session, image_id, record)


def list_derivatives(session: Session, image_id: str) -> list[Derivative]:
    return derivatives_of(session, [image_id]).get(image_id, [])


def derivatives_of(session: Session, image_ids: Collection[str]) -> dict[str, list[Derivative]]:
    """Image id -> its derivatives by preset name, for many images in one query per chunk."""
    found: dict[str, list[Derivative]] = {}
    for chunk in chunks(image_ids):
        query = (
            select(Derivative)
            .where(Derivative.image_id.in_(chunk))
            .order_by(Derivative.image_id, Derivative.preset, Derivative.format)
        )
        for derivative in session.scalars(query):
            found.setdefault(derivative.image_id, []).append(derivative)
    return found


def preset_derivatives(session: Session, image_id: str, preset: str) -> list[Derivative]:
    """The preset's rows of the image: one per stored format."""
    query = (
        select(Derivative)
        .where(Derivative.image_id == image_id, Derivative.preset == preset)
        .order_by(Derivative.format)
    )
    return list(session.scalars(query))


def count_stored(session: Session, image_ids: Collection[str], presets: Collection[str]) -> int:
    """How many of ``presets`` of ``image_ids`` are stored (in any number of formats)."""
    total = 0
    for chunk in chunks(image_ids):
        stored = (
            select(Derivative.image_id, Derivative.preset)
            .where(Derivative.image_id.in_(chunk), Derivative.preset.in_(list(presets)))
            .distinct()
            .subquery()
        )
        total += session.scalar(select(func.count()).select_from(stored)) or 0
    return total


class PresetVersion(NamedTuple):
    """What a preset's rows must be to be current: its canonical spec, and how many
    formats of it (at least) are stored."""

    canonical_spec: str
    formats: int = 1


def images_lacking(session: Session, current: Mapping[str, PresetVersion]) -> list[str]:
    """Ids of the images (oldest first) without every preset in ``current`` made from
    that preset's current spec in as many formats as it asks for."""
    if not current:
        return []
    up_to_date = or_(
        *(
            and_(Derivative.preset == name, Derivative.canonical_spec == version.canonical_spec)
            for name, version in current.items()
        )
    )
    needed = case(
        *((Derivative.preset == name, version.formats) for name, version in current.items()),
        else_=1,
    )
    complete = (
        select(Derivative.image_id, Derivative.preset)
        .where(up_to_date)
        .group_by(Derivative.image_id, Derivative.preset)
        .having(func.count() >= func.max(needed))
        .subquery()
    )
    counts = (
        select(complete.c.image_id, func.count().label("n"))
        .group_by(complete.c.image_id)
        .subquery()
    )
    query = (
        select(Image.id)
        .outerjoin(counts, counts.c.image_id == Image.id)
        .where(func.coalesce(counts.c.n, 0) < len(current))
        .order_by(Image.created_at, Image.id)
    )
    return list(session.scalars(query))


def _fields(record: DerivativeRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in DerivativeRecord.__slots__}


def _dialect_insert(session: Session) -> Any:
    """``INSERT`` with ``ON CONFLICT`` for the session's backend (same syntax in both)."""
    insert: type[Insert] = (
        postgresql.Insert if session.get_bind().dialect.name == "postgresql" else sqlite.Insert
    )
    return insert(Derivative)
