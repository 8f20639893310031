"""The migrations build exactly the schema the models declare, on both backends."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from enlarger.catalog.db import make_engine
from enlarger.catalog.derivatives import preset_derivatives, replace_preset
from enlarger.catalog.migrations import (
    VERSIONS_DIR,
    MigrationFailed,
    alembic_config,
    head_revision,
    migrate,
    migrate_apart,
)
from enlarger.catalog.models import Base
from tests.unit.catalog.test_repository import added_image, record


def test_migrated_schema_matches_the_models(catalog_engine: Engine) -> None:
    with catalog_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrate_is_idempotent_and_records_the_head(
    database_url: str, catalog_engine: Engine
) -> None:
    migrate(database_url)
    with catalog_engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0003"
    tables = set(inspect(catalog_engine).get_table_names())
    assert {"images", "derivatives", "jobs", "api_keys", "webhook_deliveries"} <= tables


def test_the_head_is_read_from_the_file_names_as_alembic_reads_it() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == scripts.get_current_head()
    for script in scripts.walk_revisions():
        assert Path(script.path).name.startswith(f"{script.revision}_"), script.path
    assert len(list(VERSIONS_DIR.glob("[0-9]*_*.py"))) == len(list(scripts.walk_revisions()))


def test_an_older_database_is_brought_to_the_head(
    database_url: str, catalog_engine: Engine
) -> None:
    _to(database_url, "0002", command.downgrade)
    migrate(database_url)
    with catalog_engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()


def test_a_current_database_is_recognised_without_importing_alembic(database_url: str) -> None:
    check = (
        "import sys; from enlarger.catalog.migrations import migrate; "
        f"migrate({database_url!r}); print('alembic' in sys.modules)"
    )
    ran = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "False", ran.stderr


def test_migrating_apart_leaves_the_calling_process_without_alembic(database_url: str) -> None:
    """``serve`` and ``worker`` migrate in an interpreter of their own: a database that
    needs migrating ends at the head, and the caller never imports Alembic."""
    _to(database_url, "0002", command.downgrade)
    check = (
        "import sys; from enlarger.catalog.migrations import at_head, migrate_apart; "
        f"url = {database_url!r}; migrate_apart(url); "
        "print(at_head(url), 'alembic' in sys.modules)"
    )
    ran = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "True False", ran.stderr


def test_a_failed_migration_apart_says_why(database_url: str, catalog_engine: Engine) -> None:
    def set_version(revision: str) -> None:
        with catalog_engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})

    set_version("zzzz")  # a revision this release does not know
    try:
        with pytest.raises(MigrationFailed, match=r"migrating the catalog failed: .*'zzzz'"):
            migrate_apart(database_url)
    finally:
        set_version(head_revision())


def test_0003_keeps_the_derivatives_and_its_downgrade_keeps_one_per_preset(
    database_url: str, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        image = added_image(session)
        replace_preset(session, image.id, "card", [record("card", 300, "webp")])
    _to(database_url, "0002", command.downgrade)
    with sessions() as session:
        assert session.scalars(text("SELECT format FROM derivatives")).all() == ["webp"]
    _to(database_url, "head", command.upgrade)
    with sessions.begin() as session:
        replace_preset(
            session, image.id, "card", [record("card", 300, fmt) for fmt in ("webp", "jpg")]
        )
    with sessions() as session:
        assert [d.format for d in preset_derivatives(session, image.id, "card")] == [
            "jpg",
            "webp",
        ]
    _to(database_url, "0002", command.downgrade)
    with sessions() as session:
        assert session.scalar(text("SELECT COUNT(*) FROM derivatives")) == 1
    _to(database_url, "head", command.upgrade)


def _to(database_url: str, revision: str, step: Callable[[Config, str], None]) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            step(config, revision)
    finally:
        engine.dispose()
