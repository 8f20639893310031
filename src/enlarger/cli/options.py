"""Options several commands share, declared once so their flags and help read the same."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from enlarger.settings import Settings

ConfigOption = Annotated[
    Path | None, typer.Option(metavar="FILE", help="TOML settings file [ENLARGER_CONFIG].")
]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        metavar="FOLDER",
        help="Folder for the catalog and objects [ENLARGER_DATA_DIR; ./enlarger-data].",
    ),
]


def load_settings(config: Path | None, data_dir: Path | None, **overrides: Any) -> Settings:
    """The settings every data command reads: the same file, data folder and precedence."""
    return Settings.load(config_file=config, overrides={"data_dir": data_dir, **overrides})
