"""The catalog: what the service knows about images, derivatives, jobs, API keys and webhooks.

``db`` builds engines and sessions (SQLite with WAL, or PostgreSQL through psycopg 3),
``migrations`` brings a database to the current schema (``migrate(url)`` at start-up),
``models`` declares the tables and ``repository`` holds the queries other modules call.
"""
