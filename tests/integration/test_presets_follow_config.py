"""Presets follow their configuration: an added or changed preset reaches images uploaded
before it through ``enlarger presets sync``, and a stale derivative is never served."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from enlarger.app import build_app
from enlarger.cli import app as cli
from enlarger.settings import Settings
from tests.support.render_app import decoded
from tests.support.uploads import api_client, encoded, new_key

pytestmark = pytest.mark.anyio

BEFORE = 'small = "w=48&fm=png"\nmedium = "w=96&fm=png"\n'
AFTER = 'small = "w=48&fm=png"\nmedium = "w=120&fm=png"\ntiny = "w=16&h=16&fit=crop&fm=png"\n'


def _config(tmp_path: Path, presets: str) -> Path:
    config = tmp_path / "enlarger.toml"
    config.write_text(f'data_dir = "data"\n[presets]\n{presets}', encoding="utf-8")
    return config


async def _run(*args: str) -> str:
    """``enlarger ARGS`` in a thread: its commands run their own event loops."""
    result = await asyncio.to_thread(CliRunner().invoke, cli, list(args), env={})
    assert result.exit_code == 0, result.output
    return result.output


async def test_added_and_changed_presets_reach_older_images_after_sync(tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(encoded(colour=(200, 30, 30), size=(240, 160), fmt="PNG"))
    config = _config(tmp_path, BEFORE)
    await _run("upload", str(photo), "--config", str(config))
    _config(tmp_path, AFTER)
    assert "tiny\tw=16&h=16&fit=crop&fm=png" in await _run(
        "presets", "list", "--config", str(config)
    )

    app = build_app(Settings.load(config_file=config, environ={}))
    key = new_key(app.state.services)
    async with api_client(app, key) as client:
        [image] = (await client.get("/v1/images")).json()["items"]
        statuses = {name: p["status"] for name, p in image["presets"].items()}
        assert statuses == {"small": "ready", "medium": "outdated", "tiny": "outdated"}
        stale = await client.get(f"/i/{image['id']}/medium")
        assert stale.status_code == 404
        assert stale.json()["status"] == "outdated"
        assert (await client.get(f"/i/{image['id']}/small")).status_code == 200
        listed = (await client.get("/v1/presets")).json()["items"]
        assert [(p["name"], p["query"]) for p in listed] == [
            ("small", "w=48&fm=png"),
            ("medium", "w=120&fm=png"),
            ("tiny", "w=16&h=16&fit=crop&fm=png"),
        ]
        assert "geometry.w=120" in listed[1]["spec"]

        synced = await _run("presets", "sync", "--config", str(config))
        assert "outdated images:    1" in synced
        assert "presets converted:  3" in synced
        medium = await client.get(f"/i/{image['id']}/medium")
        tiny = await client.get(f"/i/{image['id']}/tiny")
        again = await _run("presets", "sync", "--config", str(config))
    app.state.services.close()
    assert decoded(medium.content).size == (120, 80)
    assert decoded(tiny.content).size == (16, 16)
    assert "outdated images:    0" in again


async def test_presets_need_an_api_key(tmp_path: Path) -> None:
    app = build_app(Settings.load(environ={}, overrides={"data_dir": tmp_path}))
    async with api_client(app, "enl_wrong_key") as client:
        assert (await client.get("/v1/presets")).status_code in (401, 403)
    app.state.services.close()
