"""The ObjectStore contract: every implementation passes the same tests."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from enlarger.storage import (
    InvalidKeyError,
    ObjectNotFound,
    ObjectStore,
    ReplicatedStore,
    open_store,
)
from tests.support.seaweedfs import SeaweedS3

pytestmark = pytest.mark.anyio


@pytest.fixture(
    params=[
        "local",
        pytest.param("s3", marks=pytest.mark.seaweedfs),
        "replicated",
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "local":
        return open_store(str(tmp_path / "objects"), tmp_path)
    if request.param == "s3":
        seaweedfs: SeaweedS3 = request.getfixturevalue("seaweedfs")
        return open_store(seaweedfs.url(), tmp_path)
    return ReplicatedStore(
        open_store(str(tmp_path / "primary"), tmp_path),
        open_store(str(tmp_path / "secondary"), tmp_path),
    )


async def keys_under(store: ObjectStore, prefix: str = "") -> list[str]:
    return sorted([info.key async for info in store.list(prefix)])


async def test_put_get_round_trips_binary_data(store: ObjectStore) -> None:
    data = bytes(range(256)) * 4 + os.urandom(100_000)
    await store.put("originals/blob.bin", data, content_type="application/octet-stream")
    assert await store.get("originals/blob.bin") == data


async def test_empty_object(store: ObjectStore) -> None:
    await store.put("empty", b"")
    assert await store.get("empty") == b""
    assert (await store.head("empty")).size == 0


async def test_put_overwrites(store: ObjectStore) -> None:
    await store.put("a/key", b"first version, longer")
    await store.put("a/key", b"second")
    assert await store.get("a/key") == b"second"
    assert (await store.head("a/key")).size == len(b"second")
    assert await keys_under(store) == ["a/key"]


async def test_head_reports_key_size_and_time(store: ObjectStore) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    await store.put("d/e/f.webp", b"x" * 1234, content_type="image/webp")
    info = await store.head("d/e/f.webp")
    assert info.key == "d/e/f.webp"
    assert info.size == 1234
    assert before <= info.last_modified <= datetime.now(UTC) + timedelta(seconds=5)


async def test_missing_key(store: ObjectStore) -> None:
    with pytest.raises(ObjectNotFound) as get_error:
        await store.get("no/such/key")
    assert get_error.value.key == "no/such/key"
    with pytest.raises(ObjectNotFound):
        await store.head("no/such/key")
    assert await store.exists("no/such/key") is False


async def test_exists(store: ObjectStore) -> None:
    await store.put("here", b"1")
    assert await store.exists("here") is True


async def test_delete_is_idempotent(store: ObjectStore) -> None:
    await store.put("gone/soon", b"bye")
    await store.delete("gone/soon")
    assert await store.exists("gone/soon") is False
    await store.delete("gone/soon")
    await store.delete("never/there")
    assert await keys_under(store) == []


async def test_delete_prefix_removes_only_that_folder(store: ObjectStore) -> None:
    for key in ["img/ab/1.jpg", "img/ab/sub/2.jpg", "img/abc/3.jpg", "img/a", "other/ab/4"]:
        await store.put(key, key.encode())
    await store.delete_prefix("img/ab")
    assert await keys_under(store) == ["img/a", "img/abc/3.jpg", "other/ab/4"]
    await store.delete_prefix("nothing/here")
    assert len(await keys_under(store)) == 3


async def test_list_by_prefix(store: ObjectStore) -> None:
    sizes = {"x/1": 1, "x/y/2": 2, "x/y/z/3": 3, "xy/4": 4, "top": 5}
    for key, size in sizes.items():
        await store.put(key, b"#" * size)
    assert await keys_under(store) == sorted(sizes)
    assert await keys_under(store, "x") == ["x/1", "x/y/2", "x/y/z/3"]
    assert await keys_under(store, "x/y/") == ["x/y/2", "x/y/z/3"]
    assert await keys_under(store, "x/y/z/3/nothing") == []
    listed = {info.key: info.size async for info in store.list("x")}
    assert listed == {"x/1": 1, "x/y/2": 2, "x/y/z/3": 3}


async def test_list_pages_through_hundreds_of_keys(store: ObjectStore) -> None:
    keys = [f"many/{i // 50:02d}/{i:04d}.bin" for i in range(260)]
    await asyncio.gather(*(store.put(key, key.encode()) for key in keys))
    listed = [info async for info in store.list("many")]
    assert len(listed) == len(keys)
    assert sorted(info.key for info in listed) == keys
    assert all(info.size == len(info.key) for info in listed)


@pytest.mark.parametrize(
    "key", ["ünïcødé/файл с пробелом.jpg", "spaces in/a name.png", "odd/%20+&=#?;.bin", "漢字/画像"]
)
async def test_keys_with_unicode_and_spaces(store: ObjectStore, key: str) -> None:
    await store.put(key, key.encode())
    assert await store.get(key) == key.encode()
    assert (await store.head(key)).size == len(key.encode())
    assert await keys_under(store, key.split("/")[0]) == [key]
    await store.delete(key)
    assert await store.exists(key) is False


async def test_concurrent_puts_of_distinct_keys(store: ObjectStore) -> None:
    payloads = {f"c/{i}": os.urandom(1000 + i) for i in range(40)}
    await asyncio.gather(*(store.put(key, data) for key, data in payloads.items()))
    stored = await asyncio.gather(*(store.get(key) for key in payloads))
    assert dict(zip(payloads, stored, strict=True)) == payloads


async def test_readers_never_see_a_partial_put(store: ObjectStore) -> None:
    versions = [bytes([i]) * 200_000 for i in range(8)]
    await store.put("race", versions[0])
    puts = [store.put("race", data) for data in versions[1:]]
    gets = [store.get("race") for _ in range(16)]
    results = await asyncio.gather(*puts, *gets)
    assert all(data in versions for data in results[len(puts) :])
    assert await store.get("race") in versions


@pytest.mark.parametrize(
    "key",
    ["", "/absolute", "a//b", "../escape", "a/./b", "a/../b", "tab\there", "staged#1", "x#22/y"],
)
async def test_invalid_keys_are_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(InvalidKeyError):
        await store.put(key, b"1")
    with pytest.raises(InvalidKeyError):
        await store.get(key)
