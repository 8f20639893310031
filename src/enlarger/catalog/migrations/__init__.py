"""Alembic migrations, run programmatically: ``migrate(database_url)`` at start-up.

Several processes may start at once (``serve`` and workers on other machines): on
PostgreSQL the upgrade runs under an advisory lock, on SQLite under the write lock that
``BEGIN IMMEDIATE`` takes, so exactly one of them applies each revision.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from enlarger.catalog.db import make_engine

MIGRATIONS_DIR = Path(__file__).parent
#: an arbitrary constant naming Enlarger's migration lock among PostgreSQL advisory locks.
_ADVISORY_LOCK_ID = 0x656E6C61


def alembic_config() -> Config:
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    """Bring the database at ``database_url`` to ``revision`` (the newest by default)."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:id)"), {"id": _ADVISORY_LOCK_ID}
                )
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
