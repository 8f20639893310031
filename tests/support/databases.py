"""Catalog databases for tests: SQLite in tmp_path, and PostgreSQL on 127.0.0.1:5432.

PostgreSQL gets one fresh database per test session (``enlarger_test_<pid>_<random>``,
migrated once, dropped at the end; databases left by sessions whose process is gone, say
killed, are dropped at the next start); each test starts from empty tables. ``database_url`` is
parametrised over both backends, so a test that takes it runs on each.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from enlarger.catalog.db import make_engine, session_factory
from enlarger.catalog.migrations import migrate
from enlarger.catalog.models import Base
from tests.support.services import require_port

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
BACKENDS = ("sqlite", "postgresql")


def sqlite_database(directory: Path) -> str:
    url = f"sqlite:///{directory / 'catalog.sqlite3'}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A migrated database of its own for this test session."""
    require_port("PostgreSQL", PG_HOST, PG_PORT)
    name = f"enlarger_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        for stale in _orphaned_databases(connection):
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(stale))
            )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _orphaned_databases(connection: psycopg.Connection[tuple[str]]) -> list[str]:
    """Test databases whose session's process no longer runs on this machine."""
    rows = connection.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE 'enlarger\\_test\\_%'"
    ).fetchall()
    orphans = []
    for (datname,) in rows:
        match = re.fullmatch(r"enlarger_test_(\d+)_[0-9a-f]+", datname)
        if match and not _running(int(match[1])):
            orphans.append(datname)
    return orphans


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def empty_tables(url: str) -> None:
    engine = make_engine(url)
    try:
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated catalog on each backend in turn."""
    if request.param == "sqlite":
        return sqlite_database(tmp_path)
    url: str = request.getfixturevalue("postgres_database")
    empty_tables(url)
    return url


@pytest.fixture
def catalog_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(catalog_engine: Engine) -> sessionmaker[Session]:
    return session_factory(catalog_engine)
