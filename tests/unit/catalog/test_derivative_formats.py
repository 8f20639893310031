"""Derivatives per format (``auto=format`` presets) on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from enlarger.catalog.derivatives import (
    PresetVersion,
    count_stored,
    images_lacking,
    preset_derivatives,
    replace_preset,
    upsert_derivative,
)
from tests.unit.catalog.test_repository import added_image, record


def test_a_preset_keeps_one_row_per_format(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        image = added_image(session)
        variants = [record("card", 300, fmt) for fmt in ("avif", "webp", "jpg")]
        replace_preset(session, image.id, "card", variants)
        upsert_derivative(session, image.id, record("thumb", 100))
    with sessions() as session:
        rows = preset_derivatives(session, image.id, "card")
        assert [(d.format, d.object_key) for d in rows] == [
            ("avif", "derivatives/card-300.avif"),
            ("jpg", "derivatives/card-300.jpg"),
            ("webp", "derivatives/card-300.webp"),
        ]
        # counted per preset, not per row: both presets of the image are stored
        assert count_stored(session, [image.id], ["card", "thumb"]) == 2
        card, thumb = PresetVersion("w=300", formats=2), PresetVersion("w=100")
        assert images_lacking(session, {"card": card, "thumb": thumb}) == []
        changed = PresetVersion("w=320", formats=2)
        assert images_lacking(session, {"card": changed, "thumb": thumb}) == [image.id]


def test_a_negotiated_preset_stored_in_one_format_is_lacking(
    sessions: sessionmaker[Session],
) -> None:
    """A preset made before ``auto=format`` stored variants has its fallback only."""
    with sessions.begin() as session:
        image = added_image(session)
        upsert_derivative(session, image.id, record("card", 300, "jpg"))
    with sessions() as session:
        assert images_lacking(session, {"card": PresetVersion("w=300")}) == []
        assert images_lacking(session, {"card": PresetVersion("w=300", formats=2)}) == [image.id]


def test_replacing_a_preset_drops_the_formats_it_no_longer_makes(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        image = added_image(session)
        replace_preset(
            session, image.id, "card", [record("card", 300, fmt) for fmt in ("avif", "webp", "jpg")]
        )
    with sessions.begin() as session:
        replace_preset(session, image.id, "card", [record("card", 320, "png")])
    with sessions() as session:
        [only] = preset_derivatives(session, image.id, "card")
        assert (only.format, only.width, only.canonical_spec) == ("png", 320, "w=320")
