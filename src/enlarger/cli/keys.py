"""``enlarger keys create NAME | list | revoke ID | quota ID BYTES``: API keys for the
write API and their monthly optimization quotas."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

from enlarger.catalog.api_keys import create_api_key, find_api_key, list_api_keys, revoke_api_key
from enlarger.catalog.optimizations import set_monthly_quota
from enlarger.cli.errors import reported_errors
from enlarger.cli.options import ConfigOption, DataDirOption, load_settings
from enlarger.errors import ClientError, NotFound
from enlarger.services import Services, open_services

keys_app = typer.Typer(
    help="Create, list and revoke API keys.", no_args_is_help=True, rich_markup_mode=None
)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")


def _services(config: Path | None, data_dir: Path | None) -> closing[Services]:
    return closing(open_services(load_settings(config, data_dir)))


@keys_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="What the key is for, e.g. 'cms'.")],
    config: ConfigOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Create a key and print it once: only its hash is kept."""
    with (
        reported_errors(),
        _services(config, data_dir) as services,
        services.sessions.begin() as session,
    ):
        row, key = create_api_key(session, name)
        key_id = row.id
    typer.echo(key)
    typer.echo(f"created key {key_id} ({name}); store it now, it is not shown again", err=True)


@keys_app.command("list")
def list_keys(config: ConfigOption = None, data_dir: DataDirOption = None) -> None:
    """Every key: id, prefix, name, created and revoked dates."""
    with reported_errors(), _services(config, data_dir) as services, services.sessions() as session:
        rows = list_api_keys(session)
    typer.echo(f"{'id':>4}  {'prefix':<8}  {'created':<25}  {'revoked':<25}  name")
    for row in rows:
        revoked = row.revoked_at.isoformat(timespec="seconds") if row.revoked_at else "-"
        created = row.created_at.isoformat(timespec="seconds")
        typer.echo(f"{row.id:>4}  {row.prefix:<8}  {created:<25}  {revoked:<25}  {row.name}")


@keys_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(metavar="ID", help="The key's id or prefix.")],
    config: ConfigOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Revoke a key at once: requests with it get 403."""
    with (
        reported_errors(),
        _services(config, data_dir) as services,
        services.sessions.begin() as session,
    ):
        row = find_api_key(session, key_id)
        if row is None or not revoke_api_key(session, row.prefix):
            raise NotFound(f"no live API key with id or prefix {key_id!r}")
    typer.echo(f"revoked key {key_id}")


@keys_app.command("quota")
def quota(
    key_id: Annotated[str, typer.Argument(metavar="ID", help="The key's id or prefix.")],
    monthly_bytes: Annotated[
        str, typer.Argument(metavar="BYTES", help="Bytes of input a month, or 'none'.")
    ],
    config: ConfigOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Set a key's monthly optimization quota (bytes of input); past it requests get 429."""
    with (
        reported_errors(),
        _services(config, data_dir) as services,
        services.sessions.begin() as session,
    ):
        row = find_api_key(session, key_id)
        if row is None:
            raise NotFound(f"no API key with id or prefix {key_id!r}")
        if monthly_bytes != "none" and not monthly_bytes.isdigit():
            raise ClientError("BYTES must be a whole number or 'none'", given=monthly_bytes)
        limit = None if monthly_bytes == "none" else int(monthly_bytes)
        set_monthly_quota(session, row.id, limit)
    typer.echo(f"quota of key {key_id}: {'unlimited' if limit is None else f'{limit} bytes'}")
