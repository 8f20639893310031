"""``enlarger sync`` end to end through the real command."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from typer.testing import CliRunner

from enlarger.cli import app
from enlarger.storage import ObjectStore, original_key
from tests.support.stores import local_pair


def run_sync(tmp_path: Path, *args: str, replica: bool = True) -> tuple[int, str, str]:
    env = {
        "ENLARGER_DATA_DIR": str(tmp_path),
        "ENLARGER_STORAGE_URL": str(tmp_path / "p"),
        "ENLARGER_REPLICA_URL": str(tmp_path / "s") if replica else "",
        "ENLARGER_CONFIG": "",
    }
    result = CliRunner().invoke(app, ["sync", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def put(store: ObjectStore, key: str, data: bytes) -> None:
    """Outside the event loop: the command under test runs its own with asyncio.run."""
    asyncio.run(store.put(key, data))


def get(store: ObjectStore, key: str) -> bytes:
    return asyncio.run(store.get(key))


def test_sync_prints_a_summary_and_copies(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    put(primary, "a", b"1")
    put(primary, "b", b"22")
    put(secondary, "b", b"xx")
    put(secondary, "c", b"3")
    code, out, _ = run_sync(tmp_path)
    assert code == 0
    assert f"primary:   {(tmp_path / 'p').as_uri()}" in out
    assert "compared:            3" in out
    assert "copied to secondary: 1" in out
    assert "copied to primary:   1" in out
    assert "repaired:            1" in out
    assert "errors:              0" in out
    assert get(secondary, "b") == b"22"
    assert get(primary, "c") == b"3"


def test_sync_exits_1_and_lists_failures(tmp_path: Path) -> None:
    primary, _ = local_pair(tmp_path)
    key = original_key(hashlib.sha256(b"real").hexdigest(), "png")
    put(primary, key, b"fake")
    code, out, _ = run_sync(tmp_path)
    assert code == 1
    assert "errors:              1" in out
    assert f"  {key}: the original in" in out


def test_sync_without_a_replica_is_an_error(tmp_path: Path) -> None:
    code, out, err = run_sync(tmp_path, replica=False)
    assert code == 1
    assert out == ""
    assert "error: nothing to sync: no replica_url is set" in err


def test_sync_reports_a_broken_store(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "p").write_bytes(b"a file where the primary folder should be")
    code, _, err = run_sync(tmp_path)
    assert code == 1
    assert "error: storage directory" in err
