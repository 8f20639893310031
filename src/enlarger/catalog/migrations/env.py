"""Alembic environment: migrations run on the connection ``migrate()`` hands over.

Run from the command line (``alembic -c src/enlarger/catalog/migrations/alembic.ini``)
it connects to ``ENLARGER_DATABASE_URL`` instead, e.g. to autogenerate a revision.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from enlarger.catalog.db import make_engine
from enlarger.catalog.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    engine = make_engine(os.environ["ENLARGER_DATABASE_URL"])
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
