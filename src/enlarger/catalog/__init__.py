"""The catalog: what the service knows about images, derivatives, jobs, API keys and webhooks.

``db`` builds engines and sessions (SQLite with WAL, or PostgreSQL through psycopg 3),
``migrations`` brings a database to the current schema (``migrate(url)`` at start-up),
``models`` declares the tables. The queries other modules call live in one module per
aggregate: ``images``, ``derivatives``, ``jobs`` (claims, leases, the outbox, reports),
``api_keys`` and ``webhook_deliveries``. Each takes the caller's session and never
commits: the caller owns the transaction (an upload records its image and job in one).
This package is the only one that builds SQL.
"""
