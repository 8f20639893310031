"""``enlarger upload`` (local and against a running server) and ``enlarger keys``."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
import uvicorn
from PIL import Image as PILImage
from sqlalchemy import select
from typer.testing import CliRunner

from enlarger.catalog.models import ApiKey, Derivative, Image, Job, JobStatus
from enlarger.cli import app
from enlarger.services import Services, open_services
from enlarger.settings import DEFAULT_PRESETS, Settings
from tests.support.polling import wait_until
from tests.support.uploads import build_upload_app, encoded, new_key, upload_settings


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """Two distinct images in a nested folder, a copy of one, a fake and a text file."""
    root = tmp_path / "photos"
    (root / "trip" / "day 1").mkdir(parents=True)
    (root / "a.jpg").write_bytes(encoded(colour=(250, 0, 0)))
    (root / "trip" / "day 1" / "b.PNG").write_bytes(encoded(colour=(0, 250, 0), fmt="PNG"))
    (root / "trip" / "copy of a.jpeg").write_bytes(encoded(colour=(250, 0, 0)))
    (root / "trip" / "renamed.jpg").write_text("this is not a photo")
    (root / "trip" / "notes.txt").write_text("skipped: not an image name")
    return root


def _env(data_dir: Path, **more: str) -> dict[str, str]:
    return {"ENLARGER_DATA_DIR": str(data_dir), "ENLARGER_MAX_SOURCE_PIXELS": "4000000", **more}


def _open(data_dir: Path, **more: str) -> Services:
    return open_services(Settings.load(environ=_env(data_dir, **more)))


def _assert_summary(output: str) -> None:
    assert "uploaded:           2" in output
    assert "duplicates skipped: 1" in output
    assert "rejected:           1" in output
    assert "renamed.jpg: " in output
    assert "not an accepted image type" in output


def _upload(data_dir: Path, *args: str, exit_code: int, **env: str) -> str:
    """Run ``enlarger upload`` with the embedded defaults on ``data_dir``; its output."""
    result = CliRunner().invoke(app, ["upload", *args], env=_env(data_dir, **env))
    assert result.exit_code == exit_code, result.output
    return result.output


def _derivatives(services: Services) -> dict[tuple[str, str], Derivative]:
    with services.sessions() as session:
        return {(d.image_id, d.preset): d for d in session.scalars(select(Derivative))}


def _objects(services: Services) -> list[str]:
    async def keys() -> list[str]:
        return sorted([info.key async for info in services.store.list()])

    return asyncio.run(keys())


def test_local_upload_stores_every_photo_once_and_converts_every_preset(
    tmp_path: Path, photos: Path, database_url: str
) -> None:
    """On SQLite and PostgreSQL: every photo once, every default preset stored."""
    data_dir, catalog = tmp_path / "data", {"ENLARGER_DATABASE_URL": database_url}
    output = _upload(data_dir, str(photos), "--parallel", "2", exit_code=1, **catalog)
    _assert_summary(output)
    assert "presets converted:  8" in output  # 2 images x 4 default presets
    assert "presets failed:     0" in output
    assert "job done" not in output  # the jobs engine logs only warnings here

    services = _open(data_dir, **catalog)
    with services.sessions() as session:
        images = {image.id: image.format for image in session.scalars(select(Image))}
        jobs = list(session.scalars(select(Job)))
    derivatives = _derivatives(services)
    assert sorted(images.values()) == ["jpeg", "png"]
    assert sorted((job.kind, job.status) for job in jobs) == [("convert", JobStatus.DONE)] * 2
    assert set(derivatives) == {(i, preset) for i in images for preset in DEFAULT_PRESETS}
    for derivative in derivatives.values():
        data = asyncio.run(services.store.get(derivative.object_key))
        decoded = PILImage.open(io.BytesIO(data))
        assert decoded.size == (derivative.width, derivative.height)
        assert decoded.format == {"webp": "WEBP", "jpg": "JPEG"}[derivative.format]
    assert {(d.preset, d.width, d.height) for d in derivatives.values()} == {
        ("thumb", 200, 200),  # fit=crop fills the box; fit=max never enlarges
        ("small", 64, 48),
        ("medium", 64, 48),
        ("large", 64, 48),
    }
    objects = _objects(services)
    assert len(objects) == 2 + 8  # two originals, eight derivatives
    services.close()

    again = _upload(data_dir, str(photos), exit_code=1, **catalog)
    assert "uploaded:           0" in again
    assert "duplicates skipped: 3" in again
    assert "presets converted:  0" in again
    services = _open(data_dir, **catalog)
    assert _objects(services) == objects
    assert set(_derivatives(services)) == set(derivatives)
    services.close()


def test_no_convert_only_queues_and_a_later_upload_converts_the_queue(
    tmp_path: Path, photos: Path
) -> None:
    data_dir = tmp_path / "data"
    output = _upload(data_dir, str(photos), "--no-convert", exit_code=1)
    _assert_summary(output)
    assert "presets converted" not in output
    services = _open(data_dir)
    with services.sessions() as session:
        statuses = [job.status for job in session.scalars(select(Job))]
    assert statuses == [JobStatus.QUEUED] * 2
    assert _derivatives(services) == {}
    services.close()

    # the same photos again are duplicates, but their queued conversions run now
    again = _upload(data_dir, str(photos / "a.jpg"), str(photos / "trip" / "day 1"), exit_code=0)
    assert "duplicates skipped: 2" in again
    assert "presets converted:  8" in again
    services = _open(data_dir)
    assert len(_derivatives(services)) == 8
    services.close()


def test_failed_conversions_are_counted_and_exit_1(tmp_path: Path, photos: Path) -> None:
    # thumb (200x200) is over this output limit: its job fails for good, no retries
    output = _upload(
        tmp_path / "data", str(photos / "a.jpg"), exit_code=1, ENLARGER_MAX_OUTPUT_SIDE="150"
    )
    assert "uploaded:           1" in output
    assert "presets converted:  0" in output
    assert "presets failed:     4" in output
    assert "job attempt failed" in output
    assert "OutputTooLarge" in output
    services = _open(tmp_path / "data")
    with services.sessions() as session:
        assert [job.status for job in session.scalars(select(Job))] == [JobStatus.FAILED]
    services.close()


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["upload", str(tmp_path / "nope")], env=_env(tmp_path))
    assert result.exit_code == 1
    assert "no such file or folder" in result.output


@pytest.fixture
def running_server(tmp_path: Path) -> Iterator[tuple[str, Services]]:
    application, services = build_upload_app(upload_settings(tmp_path / "server"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    # the server's access log would print into the CLI's captured stdout: keep it apart
    with structlog.testing.capture_logs():
        thread.start()
        wait_until(lambda: server.started, "uvicorn to start", timeout_s=10)
        yield f"http://127.0.0.1:{port}", services
        server.should_exit = True
        thread.join(10)
    services.close()


def test_remote_upload_with_a_key(
    running_server: tuple[str, Services], photos: Path, tmp_path: Path
) -> None:
    url, services = running_server
    key = new_key(services)
    args = ["upload", str(photos), "--server", url, "--api-key", key]
    result = CliRunner().invoke(app, args, env=_env(tmp_path / "unused"))
    assert result.exit_code == 1, result.output
    _assert_summary(result.output)
    assert "HTTP 415" in result.output
    with services.sessions() as session:
        assert len(list(session.scalars(select(Image)))) == 2

    bad_key = CliRunner().invoke(
        app, ["upload", str(photos / "a.jpg"), "--server", url, "--api-key", "enl_x_y"]
    )
    assert "HTTP 403" in bad_key.output
    no_key = CliRunner().invoke(app, ["upload", str(photos), "--server", url], env={})
    assert no_key.exit_code == 1
    assert "--api-key" in no_key.output
    args = ["upload", str(photos), "--server", url, "--api-key", key, "--no-convert"]
    no_convert = CliRunner().invoke(app, args)
    assert no_convert.exit_code == 1
    assert "the server converts" in no_convert.output


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    env = _env(tmp_path / "data")
    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "cms"], env=env)
    assert created.exit_code == 0, created.output
    key = created.stdout.splitlines()[0]
    assert key.startswith("enl_")
    services = _open(tmp_path / "data")
    with services.sessions() as session:
        row = session.scalar(select(ApiKey))
        assert row is not None
        assert key not in (row.key_hash, row.prefix)  # only a hash is kept
        prefix = row.prefix
    listed = runner.invoke(app, ["keys", "list"], env=env)
    assert prefix in listed.output
    assert "cms" in listed.output
    assert key not in listed.output
    assert runner.invoke(app, ["keys", "revoke", prefix], env=env).exit_code == 0
    with services.sessions() as session:
        row = session.scalar(select(ApiKey))
        assert row is not None
        assert row.revoked_at is not None
    services.close()
    again = runner.invoke(app, ["keys", "revoke", "1"], env=env)
    assert again.exit_code == 2
    assert "no live API key" in again.output


def test_remote_upload_stops_once_on_a_refused_key_or_an_unreachable_server(
    running_server: tuple[str, Services], photos: Path
) -> None:
    url, _ = running_server
    refused = CliRunner().invoke(app, ["upload", str(photos), "--server", url, "--api-key", "x"])
    assert refused.exit_code == 1
    assert refused.output.count("HTTP 403") == 1
    assert "refused the API key" in refused.output
    assert "enlarger keys create" in refused.output
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"127.0.0.1:{closed.getsockname()[1]}"
    unreachable = CliRunner().invoke(
        app, ["upload", str(photos), "--server", nowhere, "--api-key", "x"]
    )
    assert unreachable.exit_code == 1
    assert unreachable.output.count("cannot reach http://") == 1
    bad = CliRunner().invoke(app, ["upload", str(photos), "--server", "ftp://x", "--api-key", "x"])
    assert bad.exit_code == 1
    assert "--server wants the server's address" in bad.output


def test_remote_upload_without_a_scheme_prints_which_file_became_which_image(
    running_server: tuple[str, Services], photos: Path
) -> None:
    url, services = running_server
    key = new_key(services)
    args = ["upload", str(photos), "--server", url.removeprefix("http://"), "--api-key", key]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 1, result.output  # renamed.jpg is rejected
    document = json.loads(result.stdout)
    by_name = {Path(f["path"]).name: f for f in document["files"]}
    with services.sessions() as session:
        ids = {image.id for image in session.scalars(select(Image))}
    assert by_name["a.jpg"]["outcome"] in ("uploaded", "duplicate")
    assert {by_name[n]["id"] for n in ("a.jpg", "b.PNG", "copy of a.jpeg")} == ids
    assert by_name["notes.txt"]["outcome"] == "skipped"
    assert "not an image file name" in by_name["notes.txt"]["reason"]
    assert by_name["renamed.jpg"]["outcome"] == "rejected"
    assert document["totals"] == {"uploaded": 2, "duplicate": 1, "rejected": 1, "skipped": 1}
    text = CliRunner().invoke(app, args).stdout
    assert f"{photos / 'a.jpg'} -> {by_name['a.jpg']['id']} (duplicate" in text
    assert f"{photos / 'trip' / 'notes.txt'}: skipped: not an image file name" in text


def test_an_api_key_without_a_server_is_an_error(tmp_path: Path, photos: Path) -> None:
    result = CliRunner().invoke(
        app, ["upload", str(photos), "--api-key", "k"], env=_env(tmp_path / "data")
    )
    assert result.exit_code == 1
    assert "--api-key is for --server" in result.output
    assert not (tmp_path / "data").exists()


def test_keys_and_uploads_share_the_data_dir_of_serve(tmp_path: Path, photos: Path) -> None:
    data = tmp_path / "elsewhere"
    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "cms", "--data-dir", str(data)], env={})
    assert created.exit_code == 0, created.output
    listed = runner.invoke(app, ["keys", "list", "--data-dir", str(data)], env={})
    assert "cms" in listed.output
    args = ["upload", str(photos / "a.jpg"), "--no-convert", "--data-dir", str(data)]
    assert runner.invoke(app, args, env={}).exit_code == 0
    services = open_services(Settings.load(environ={"ENLARGER_DATA_DIR": str(data)}))
    with services.sessions() as session:
        assert len(list(session.scalars(select(ApiKey)))) == 1
        assert len(list(session.scalars(select(Image)))) == 1
    services.close()
