"""``python -m enlarger.catalog.migrations``: ``migrate`` the database named by
``URL_VARIABLE`` to the newest revision (``migrate_apart`` runs it)."""

from __future__ import annotations

import os

from enlarger.catalog.migrations import URL_VARIABLE, migrate

migrate(os.environ[URL_VARIABLE])
