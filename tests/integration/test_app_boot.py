"""Start-up validation: a bad preset fails the boot, naming the preset, not a later job."""

from __future__ import annotations

from pathlib import Path

import pytest

from enlarger.app import build_app
from enlarger.errors import ConfigError
from enlarger.settings import Settings


@pytest.mark.parametrize(
    ("presets", "named"),
    [
        ({"thumb": "w=200", "broken": "w=abc"}, "broken"),
        ({"bad name/": "w=200"}, "bad name/"),
        ({"unknown": "w=200&nope=1"}, "unknown"),
    ],
)
def test_a_bad_preset_fails_build_app(tmp_path: Path, presets: dict[str, str], named: str) -> None:
    settings = Settings(data_dir=tmp_path, presets=presets)
    with pytest.raises(ConfigError) as caught:
        build_app(settings)
    assert caught.value.details["preset"] == named
    assert named in caught.value.message
    assert not (tmp_path / "catalog.sqlite3").exists()


def test_what_glibc_may_keep_free_is_the_servers_shared_out_among_its_processes(
    tmp_path: Path,
) -> None:
    settings = Settings.load(
        environ={},
        overrides={"data_dir": tmp_path, "malloc_keep_free_bytes": 96_000_000, "processes": 2},
    )
    app = build_app(settings)
    try:
        assert app.state.render_pool.keep_free_bytes == 48_000_000
    finally:
        app.state.render_pool.close()
        app.state.services.close()
