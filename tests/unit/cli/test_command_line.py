"""The command line as a whole: ``--version`` and help that reads naturally."""

from __future__ import annotations

import pytest
import pyvips
from typer.testing import CliRunner

from enlarger.cli import app


def test_version_names_enlarger_pyvips_and_libvips() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("enlarger ")
    assert lines[1] == f"pyvips {pyvips.__version__}"
    assert lines[2] == f"libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}"


@pytest.mark.parametrize(
    "command",
    [[], ["serve"], ["render"], ["upload"], ["worker"], ["sync"], ["keys", "create"]],
)
def test_help_shows_no_type_tags_on_flags(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout


@pytest.mark.parametrize(
    "command", [["serve"], ["worker"], ["upload"], ["sync"], ["keys", "create"], ["keys", "list"]]
)
def test_every_data_command_takes_config_and_data_dir(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert "--config" in result.stdout
    assert "--data-dir" in result.stdout
