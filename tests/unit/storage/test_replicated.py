"""ReplicatedStore: writes land in both stores, reads survive a primary that misses or breaks."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from enlarger.http.errors import http_error
from enlarger.storage import (
    ObjectNotFound,
    ObjectStore,
    ReplicatedStore,
    StorageUnavailableError,
    open_store,
)
from tests.support.stores import local_pair, local_store

pytestmark = pytest.mark.anyio


def broken_local(tmp_path: Path, name: str = "broken") -> ObjectStore:
    """A local store whose folder was replaced by a file: every operation fails."""
    store = local_store(tmp_path, name)
    shutil.rmtree(tmp_path / name)
    (tmp_path / name).write_bytes(b"not a folder")
    return store


def unreachable_s3(tmp_path: Path) -> ObjectStore:
    """An S3 store whose endpoint has nobody listening (connection refused, no retries)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return open_store(
        f"s3://bucket/p?endpoint=http://127.0.0.1:{port}&access_key_id=a"
        "&secret_access_key=b&max_retries=0&connect_timeout=1",
        tmp_path,
    )


async def test_put_lands_in_both(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    await ReplicatedStore(primary, secondary).put("k/1", b"payload")
    assert await primary.get("k/1") == b"payload"
    assert await secondary.get("k/1") == b"payload"


async def test_get_falls_back_when_the_primary_misses(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    await secondary.put("only/secondary", b"from the replica")
    store = ReplicatedStore(primary, secondary)
    assert await store.get("only/secondary") == b"from the replica"
    assert (await store.head("only/secondary")).size == len(b"from the replica")
    assert await store.exists("only/secondary") is True


async def test_primary_copy_wins_when_both_have_it(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    await primary.put("k", b"primary")
    await secondary.put("k", b"secondary")
    assert await ReplicatedStore(primary, secondary).get("k") == b"primary"


@pytest.mark.parametrize("broken", [broken_local, unreachable_s3], ids=["folder-gone", "s3-down"])
async def test_reads_fall_back_when_the_primary_is_broken(
    tmp_path: Path, broken: Callable[[Path], ObjectStore]
) -> None:
    primary = broken(tmp_path)
    secondary = local_store(tmp_path, "s")
    await secondary.put("k", b"still here")
    store = ReplicatedStore(primary, secondary)
    assert await store.get("k") == b"still here"
    assert (await store.head("k")).size == len(b"still here")
    assert await store.exists("k") is True


async def test_missing_on_both_is_not_found(tmp_path: Path) -> None:
    store = ReplicatedStore(*local_pair(tmp_path))
    with pytest.raises(ObjectNotFound):
        await store.get("nowhere")
    assert await store.exists("nowhere") is False


async def test_broken_primary_and_a_miss_on_the_secondary_is_unavailable(tmp_path: Path) -> None:
    store = ReplicatedStore(broken_local(tmp_path), local_store(tmp_path, "s"))
    with pytest.raises(StorageUnavailableError) as error:
        await store.get("k")
    assert http_error(error.value).status == 503
    with pytest.raises(StorageUnavailableError):
        await store.exists("k")


@pytest.mark.parametrize("broken_side", ["primary", "secondary"])
async def test_put_fails_when_either_side_fails(tmp_path: Path, broken_side: str) -> None:
    healthy = local_store(tmp_path, "ok")
    broken = broken_local(tmp_path)
    pair = (broken, healthy) if broken_side == "primary" else (healthy, broken)
    with pytest.raises(StorageUnavailableError):
        await ReplicatedStore(*pair).put("k", b"not acknowledged")


async def test_deletes_go_to_both(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    store = ReplicatedStore(primary, secondary)
    for key in ("d/1", "d/2", "keep"):
        await store.put(key, b"x")
    await store.delete("keep")
    await store.delete_prefix("d")
    for side in (primary, secondary):
        assert [info.key async for info in side.list()] == []


async def test_list_is_the_union_of_both(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    await primary.put("both", b"primary copy")
    await secondary.put("both", b"2")
    await primary.put("p-only", b"1")
    await secondary.put("s-only", b"1")
    listed = {info.key: info.size async for info in ReplicatedStore(primary, secondary).list()}
    assert listed == {"both": len(b"primary copy"), "p-only": 1, "s-only": 1}
