"""Options several commands share, declared once so their flags and help read the same."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ConfigOption = Annotated[Path | None, typer.Option(help="TOML settings file [ENLARGER_CONFIG].")]
DataDirOption = Annotated[
    Path | None,
    typer.Option(help="Folder for the embedded database and objects [ENLARGER_DATA_DIR]."),
]
