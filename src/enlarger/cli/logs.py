"""Logging for the long-running commands (serve, worker)."""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging() -> None:
    """JSON log lines on stderr, for structlog and the standard library (uvicorn) alike."""
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,  # the source a render thread works on
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # libraries' start-up chatter (libvips, SQLAlchemy, Alembic's migration steps) is not
    # for operators; their warnings still are.
    for library in ("pyvips", "sqlalchemy", "alembic"):
        logging.getLogger(library).setLevel(logging.WARNING)
