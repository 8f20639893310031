"""Engines and sessions for the catalog: SQLite (one machine) or PostgreSQL (psycopg 3).

SQLite runs in WAL mode with a busy timeout, and every transaction starts with
``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes fails at once with
"database is locked" when another connection wrote in between (the busy timeout does not
apply to that upgrade). Taking the write lock up front makes writers queue instead;
catalog transactions are short (no transaction is held while pixels are processed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from enlarger.errors import ConfigError
from enlarger.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 10_000


def database_url(settings: Settings) -> str:
    """The configured URL, or SQLite in the data directory."""
    if settings.catalog.database_url:
        return settings.catalog.database_url
    return f"sqlite:///{(Path(settings.data_dir) / 'catalog.sqlite3').resolve()}"


def normalize_url(url: str) -> URL:
    """Parse a database URL; plain ``postgresql://`` means the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigError(f"database_url is not a valid URL: {url!r}") from exc
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError(f"database_url: unsupported backend {parsed.get_backend_name()!r}")
    return parsed


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite files get their parent folder created."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, **kwargs)
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN instead of the driver's implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
