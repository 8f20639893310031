"""Alembic migrations, run programmatically: ``migrate(database_url)`` at start-up.

Several processes may start at once (``serve`` and workers on other machines): on
PostgreSQL the upgrade runs under an advisory lock, on SQLite under the write lock that
``BEGIN IMMEDIATE`` takes, so exactly one of them applies each revision.

Alembic and Mako cost a process about 9 MB it never gives back, so a database already at
the newest revision is recognised without them: each revision file is named after its
revision id (``0003_...py``), in order, and the newest file's id is the head. A process
that runs for long (``serve``, ``worker``) migrates in a short-lived interpreter of its
own (``migrate_apart``), so a first start or an upgrade does not leave it carrying them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from enlarger.catalog.db import make_engine
from enlarger.errors import EnlargerError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
#: an arbitrary constant naming Enlarger's migration lock among PostgreSQL advisory locks.
_ADVISORY_LOCK_ID = 0x656E6C61


def alembic_config() -> Config:
    """Alembic's configuration for these migrations."""
    from alembic.config import Config

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
            if revision == "head" and _at_head(connection):
                return
            from alembic import command

            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


#: how ``migrate_apart`` hands the database's URL to its interpreter (not on the command
#: line, where ``ps`` would show its password).
URL_VARIABLE = "ENLARGER_MIGRATE_DATABASE_URL"


class MigrationFailed(EnlargerError):
    """The interpreter that ``migrate_apart`` started could not migrate the database."""


def migrate_apart(database_url: str) -> None:
    """``migrate`` to the newest revision in a short-lived interpreter, when the database
    needs it."""
    if at_head(database_url):
        return
    environment = {**os.environ, URL_VARIABLE: database_url}
    done = subprocess.run(
        [sys.executable, "-m", "enlarger.catalog.migrations"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise MigrationFailed(f"migrating the catalog failed: {lines[-1]}")


def at_head(database_url: str) -> bool:
    """Whether the database is at the newest revision already."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return _at_head(connection)
    finally:
        engine.dispose()


def _at_head(connection: Connection) -> bool:
    return current_revision(connection) == head_revision()


def head_revision() -> str:
    """The newest revision, by its file's name."""
    return max(path.name.partition("_")[0] for path in VERSIONS_DIR.glob("[0-9]*_*.py"))


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None for a new one)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
