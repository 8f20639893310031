"""Settings: defaults, TOML, environment and override precedence, type conversion, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from enlarger.errors import ConfigError
from enlarger.settings import DEFAULT_DATA_DIR, DEFAULT_PRESETS, Settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "enlarger.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file_or_environment() -> None:
    settings = Settings.load(environ={})
    assert settings.server.port == 8080
    assert settings.server.host == "127.0.0.1"
    assert settings.render.originals is None
    assert settings.render.sign_key is None
    assert settings.data_dir == DEFAULT_DATA_DIR
    assert dict(settings.presets) == dict(DEFAULT_PRESETS)


def test_toml_sections_fill_their_fields(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        """
data_dir = "/srv/enlarger"
[server]
port = 9001
deadline_s = 2.5
embedded_worker = false
[render]
originals = "/srv/photos"
sign_key = "from-toml"
[presets]
tiny = "w=16"
""",
    )
    settings = Settings.load(config_file=config, environ={})
    assert settings.data_dir == Path("/srv/enlarger")
    assert settings.server.port == 9001
    assert settings.server.deadline_s == 2.5
    assert settings.server.embedded_worker is False
    assert settings.render.originals == Path("/srv/photos")
    assert settings.render.sign_key == "from-toml"
    assert dict(settings.presets) == {"tiny": "w=16"}


def test_environment_beats_toml_and_overrides_beat_both(tmp_path: Path) -> None:
    config = write(
        tmp_path, "[server]\nport = 9001\nhost = '127.0.0.2'\n[render]\nsign_key = 'toml'\n"
    )
    env = {"ENLARGER_PORT": "9002", "ENLARGER_SIGN_KEY": "env", "ENLARGER_DATA_DIR": "/env"}
    settings = Settings.load(
        config_file=config, environ=env, overrides={"port": 9003, "host": None}
    )
    assert settings.server.port == 9003
    assert settings.server.host == "127.0.0.2"
    assert settings.render.sign_key == "env"
    assert settings.data_dir == Path("/env")


def test_the_config_file_can_come_from_the_environment(tmp_path: Path) -> None:
    config = write(tmp_path, "[server]\nrender_queue = 3\n")
    settings = Settings.load(environ={"ENLARGER_CONFIG": str(config)})
    assert settings.server.render_queue == 3


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)]
)
def test_environment_booleans(raw: str, expected: bool) -> None:
    settings = Settings.load(environ={"ENLARGER_ALLOW_PRIVATE_URLS": raw})
    assert settings.ingest.allow_private_urls is expected


def test_an_empty_environment_value_clears_an_optional_field(tmp_path: Path) -> None:
    config = write(tmp_path, "[render]\nsign_key = 'toml'\n")
    settings = Settings.load(config_file=config, environ={"ENLARGER_SIGN_KEY": ""})
    assert settings.render.sign_key is None


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ENLARGER_PORT": "eighty"}, "ENLARGER_PORT: expected int, got 'eighty'"),
        ({"ENLARGER_DEADLINE_S": "soon"}, "ENLARGER_DEADLINE_S: expected float"),
        ({"ENLARGER_EMBEDDED_WORKER": "maybe"}, "ENLARGER_EMBEDDED_WORKER: expected bool"),
    ],
)
def test_bad_environment_values_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.load(environ=environ)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[server]\nport = true\n", r"\[server\] port: expected int"),
        ("[server]\nprot = 1\n", r"unknown key\(s\) in \[server\]: prot"),
        ("server = 1\n", r"\[server\] must be a table"),
        ("[presets]\nthumb = 3\n", r"\[presets\] must map names to query strings"),
        ("[server\n", "is not valid TOML"),
    ],
)
def test_bad_toml_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.load(config_file=write(tmp_path, text), environ={})


def test_a_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        Settings.load(config_file=tmp_path / "absent.toml", environ={})


def test_unknown_overrides_are_refused() -> None:
    with pytest.raises(ConfigError, match="unknown setting"):
        Settings.load(environ={}, overrides={"colour": "blue"})
