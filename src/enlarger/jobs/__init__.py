"""Background jobs. The catalog's ``jobs`` table is the source of truth for every engine.

``enqueue`` (``enlarger.catalog.jobs``) records a job in the caller's transaction;
an engine (``embedded``: workers claim rows straight from the table; ``rabbitmq``: the
row's id travels through a broker) gets it to a worker, which runs the handler registered
for its kind (``registry``) with leases, retries and backoff (``runner``, ``lifecycle``).
"""
