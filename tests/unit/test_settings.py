"""Settings: defaults, TOML, environment and override precedence, type conversion, errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from enlarger.errors import ConfigError
from enlarger.settings import (
    DEFAULT_PRESETS,
    JobSettings,
    QueueEngine,
    ServerSettings,
    Settings,
)
from enlarger.settings_sections import DEFAULT_DATA_DIR, ENV_PREFIX


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
[convert]
convert_avif_effort = 5
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
    assert (settings.convert.convert_avif_effort, settings.render.avif_effort) == (5, 0)
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


def test_every_environment_variable_names_one_field() -> None:
    names = [ENV_PREFIX + "DATA_DIR", ENV_PREFIX + "CONFIG"]
    for section in dataclasses.fields(Settings):
        if dataclasses.is_dataclass(section.default):
            names += [ENV_PREFIX + f.name.upper() for f in dataclasses.fields(section.default)]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ENLARGER_PORT": "70000"}, r"port 70000 is out of range \(0-65535\)"),
        ({"ENLARGER_RENDER_THREADS": "-1"}, r"render_threads -1 is out of range \(>= 0\)"),
        ({"ENLARGER_DEADLINE_S": "0"}, r"deadline_s 0.0 is out of range \(> 0\)"),
        ({"ENLARGER_AVIF_EFFORT": "10"}, r"avif_effort 10 is out of range \(0-9\)"),
        ({"ENLARGER_CONVERT_WEBP_EFFORT": "7"}, r"convert_webp_effort 7 is out of range \(0-6\)"),
        (
            {"ENLARGER_MALLOC_TRIM_THRESHOLD": "-1"},
            r"malloc_trim_threshold -1 is out of range \(>= 0\)",
        ),
        ({"ENLARGER_MAX_ATTEMPTS": "0"}, r"max_attempts 0 is out of range \(>= 1\)"),
        ({"ENLARGER_FETCH_TIMEOUT_S": "-5"}, r"fetch_timeout_s -5.0 is out of range \(> 0\)"),
        (
            {"ENLARGER_QUEUE_ENGINE": "kafka"},
            "ENLARGER_QUEUE_ENGINE: expected one of embedded, rabbitmq, got 'kafka'",
        ),
    ],
)
def test_values_out_of_range_or_choice_name_the_field_and_what_was_expected(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as error:
        Settings.load(environ=environ)
    (variable,) = environ
    assert variable in error.value.message


def test_a_range_error_names_the_variable_and_the_toml_key(tmp_path: Path) -> None:
    config = write(tmp_path, "[jobs]\nworker_slots = -2\n")
    with pytest.raises(ConfigError) as error:
        Settings.load(config_file=config, environ={})
    assert error.value.details == {
        "setting": "worker_slots",
        "variable": "ENLARGER_WORKER_SLOTS",
        "key": "[jobs] worker_slots",
    }
    assert "set by ENLARGER_WORKER_SLOTS or [jobs] worker_slots" in error.value.message


def test_sections_check_themselves_when_built_directly() -> None:
    with pytest.raises(ConfigError, match="port -1 is out of range"):
        ServerSettings(port=-1)
    with pytest.raises(ConfigError, match="queue_engine 'kafka' is not one of embedded, rabbitmq"):
        JobSettings(queue_engine="kafka")  # type: ignore[arg-type]


def test_the_queue_engine_is_an_enum_from_any_source(tmp_path: Path) -> None:
    config = write(tmp_path, '[jobs]\nqueue_engine = "rabbitmq"\n')
    assert Settings.load(config_file=config, environ={}).jobs.queue_engine is QueueEngine.RABBITMQ
    given = Settings.load(environ={}, overrides={"queue_engine": "rabbitmq"})
    assert given.jobs.queue_engine is QueueEngine.RABBITMQ
    assert Settings.load(environ={}).jobs.queue_engine is QueueEngine.EMBEDDED


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            'sign_key = "secret"\n',
            r"unknown key\(s\) at the top level: sign_key "
            r"\(sign_key belongs in \[render\]\)",
        ),
        ("[sever]\nport = 1\n", r"unknown key\(s\) at the top level: sever"),
        ("[server]\noriginals = '/srv'\n", r"originals belongs in \[render\]"),
        ("[render]\ndata_dir = '/srv'\n", r"data_dir belongs at the top level"),
    ],
)
def test_unknown_keys_and_sections_anywhere_are_refused_with_a_hint(
    tmp_path: Path, text: str, names: str
) -> None:
    with pytest.raises(ConfigError, match=names):
        Settings.load(config_file=write(tmp_path, text), environ={})


def test_a_relative_data_dir_is_relative_to_its_config_file(tmp_path: Path) -> None:
    config = write(tmp_path, 'data_dir = "data"\n')
    assert Settings.load(config_file=config, environ={}).data_dir == tmp_path / "data"
    assert Settings.load(environ={}).data_dir == DEFAULT_DATA_DIR


def test_origins_are_tables_with_a_name_url_and_prefix(tmp_path: Path) -> None:
    config = tmp_path / "enlarger.toml"
    config.write_text(
        '[origin]\norigin_allowed_hosts = "a.example, B.example"\n'
        '[[origins]]\nname = "web"\nurl = "https://a.example/img/"\nprefix = "/web/"\n'
        '[[origins]]\nname = "bucket"\nurl = "s3://photos"\nprefix = "s3/eu"\n'
    )
    settings = Settings.load(config, environ={})
    assert [(m.name, m.path_prefix) for m in settings.origins] == [
        ("web", "web/"),
        ("bucket", "s3/eu/"),
    ]
    assert settings.origin.allowed_hosts() == {"a.example", "b.example"}


@pytest.mark.parametrize(
    "tables",
    [
        '[[origins]]\nname = "a"\nurl = "proxy:"\nprefix = ""\n',
        '[[origins]]\nname = "a"\nurl = "proxy:"\nprefix = "x/../y"\n',
        '[[origins]]\nname = "a"\nprefix = "p"\n',
        '[[origins]]\nname = "a"\nurl = "proxy:"\nprefix = "p"\ncolour = 1\n',
        '[[origins]]\nname = "a"\nurl = "proxy:"\nprefix = "p"\n'
        '[[origins]]\nname = "b"\nurl = "uploads:"\nprefix = "p/"\n',
        'origins = "proxy:"\n',
    ],
)
def test_bad_origins_fail_the_boot(tmp_path: Path, tables: str) -> None:
    config = tmp_path / "enlarger.toml"
    config.write_text(tables)
    with pytest.raises(ConfigError, match="origins"):
        Settings.load(config, environ={})
