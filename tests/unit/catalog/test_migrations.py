"""The migrations build exactly the schema the models declare, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from enlarger.catalog.migrations import migrate
from enlarger.catalog.models import Base


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
