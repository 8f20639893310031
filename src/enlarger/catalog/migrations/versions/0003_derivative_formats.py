"""Derivatives per format: an ``auto=format`` preset stores one derivative per negotiable
format, so a derivative is unique per (image, preset, format).

Revision ID: 0003
Revises: 0002
Create Date: 2027-01-10
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PER_PRESET = "uq_derivatives_image_id"
_PER_FORMAT = "uq_derivatives_image_preset_format"


def upgrade() -> None:
    with op.batch_alter_table("derivatives") as batch:
        batch.drop_constraint(_PER_PRESET, type_="unique")
        batch.create_unique_constraint(_PER_FORMAT, ["image_id", "preset", "format"])


def downgrade() -> None:
    # Keep one row per (image, preset): the newest, as a per-preset catalog would have.
    op.execute(
        "DELETE FROM derivatives WHERE id NOT IN"
        " (SELECT MAX(id) FROM derivatives GROUP BY image_id, preset)"
    )
    with op.batch_alter_table("derivatives") as batch:
        batch.drop_constraint(_PER_FORMAT, type_="unique")
        batch.create_unique_constraint(_PER_PRESET, ["image_id", "preset"])
