"""How commands report expected failures: one line on stderr and a non-zero exit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from enlarger.errors import ClientError, EnlargerError
from enlarger.storage.protocol import StorageError


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn ``EnlargerError``, ``StorageError`` and ``OSError`` into ``error: ...`` and exit
    2 (bad input) or 1."""
    try:
        yield
    except EnlargerError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2 if isinstance(exc, ClientError) else 1) from None
    except StorageError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        typer.echo(f"error: {where}{exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
