"""A new user's first start: a failed start leaves nothing behind and says what to do."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx

from tests.support.processes import serving, start


def _failed_start(args: list[str], tmp_path: Path) -> str:
    """Run ``enlarger ARGS``, which must fail; its stderr."""
    log = tmp_path / "log"
    with start(args, {}, log).process as process:
        assert process.wait(timeout=30) == 1
    return log.read_text()


def test_a_failed_start_creates_no_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    args = ["serve", "--originals", str(tmp_path / "absent"), "--data-dir", str(data)]
    assert "is not readable" in _failed_start(args, tmp_path)
    assert not data.exists()


def test_a_port_in_use_names_the_port_and_suggests_port_0(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        data = tmp_path / "data"
        message = _failed_start(["serve", "--port", str(port), "--data-dir", str(data)], tmp_path)
    assert f"port {port} on 127.0.0.1 is in use" in message
    assert "--port 0" in message
    assert "Traceback" not in message
    assert not data.exists()


def test_a_misplaced_key_in_the_config_file_stops_the_start(tmp_path: Path) -> None:
    config = tmp_path / "enlarger.toml"
    config.write_text('sign_key = "secret"\n', encoding="utf-8")
    message = _failed_start(["serve", "--config", str(config)], tmp_path)
    assert "sign_key belongs in [render]" in message


def test_serve_without_originals_says_only_uploads_are_served(tmp_path: Path) -> None:
    with serving(["--port", "0", "--data-dir", str(tmp_path)], {}, tmp_path / "log") as running:
        assert running.process.stdout is not None
        assert "only uploaded images" in running.process.stdout.readline()


def test_the_default_log_has_no_library_start_up_chatter(tmp_path: Path) -> None:
    log = tmp_path / "log"
    with serving(["--port", "0", "--data-dir", str(tmp_path / "data")], {}, log) as running:
        assert httpx.get(f"{running.url}/health", timeout=20).status_code == 200
    text = log.read_text()
    assert "Application startup complete" in text  # the log itself works
    for chatter in ("alembic", "Context impl", "Will assume", "Running upgrade"):
        assert chatter not in text
