"""sync(): reconcile two real stores and count what it did."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from enlarger.storage import open_store, original_key, sync
from enlarger.storage.sync import SyncFailure
from tests.support.seaweedfs import SeaweedS3
from tests.support.stores import contents, local_pair, local_store

pytestmark = pytest.mark.anyio


def key_for(data: bytes) -> str:
    return original_key(hashlib.sha256(data).hexdigest(), "jpg")


async def test_copies_missing_objects_both_ways(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    await primary.put("a/1", b"one")
    await primary.put("a/2", b"two")
    await secondary.put("b/3", b"three")
    report = await sync(primary, secondary)
    assert (report.compared, report.copied_to_secondary, report.copied_to_primary) == (3, 2, 1)
    assert (report.repaired, report.errors) == (0, 0)
    expected = {"a/1": b"one", "a/2": b"two", "b/3": b"three"}
    assert await contents(primary) == await contents(secondary) == expected
    again = await sync(primary, secondary)
    assert (again.compared, again.copied_to_secondary, again.copied_to_primary) == (3, 0, 0)
    assert again.repaired == 0


async def test_different_objects_take_the_primary_copy(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    await primary.put("same-size", b"AAAA")
    await secondary.put("same-size", b"BBBB")
    await primary.put("other-size", b"primary")
    await secondary.put("other-size", b"old")
    await primary.put("equal", b"=")
    await secondary.put("equal", b"=")
    report = await sync(primary, secondary)
    assert (report.compared, report.repaired, report.errors) == (3, 2, 0)
    assert await contents(secondary) == {
        "same-size": b"AAAA",
        "other-size": b"primary",
        "equal": b"=",
    }


async def test_an_original_that_matches_its_key_wins_over_the_primary(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    good = b"\xff\xd8 the real jpeg bytes"
    key = key_for(good)
    await primary.put(key, b"\xff\xd8 bit-rotted jpeg byte")  # same size, wrong content
    await secondary.put(key, good)
    report = await sync(primary, secondary)
    assert (report.repaired, report.errors) == (1, 0)
    assert await primary.get(key) == good


async def test_an_original_that_does_not_match_its_key_is_reported_not_copied(
    tmp_path: Path,
) -> None:
    primary, secondary = local_pair(tmp_path)
    key = key_for(b"what was uploaded")
    await primary.put(key, b"something else")
    await primary.put("fine", b"copied anyway")
    report = await sync(primary, secondary)
    assert report.copied_to_secondary == 1
    assert report.failures == [
        SyncFailure(key, f"the original in {primary.describe()} does not match its key")
    ]
    assert await contents(secondary) == {"fine": b"copied anyway"}


async def test_sizes_only_trusts_equal_sizes(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    await primary.put("same-size", b"AAAA")
    await secondary.put("same-size", b"BBBB")
    await primary.put("other-size", b"new!!")
    await secondary.put("other-size", b"old")
    report = await sync(primary, secondary, compare_content=False)
    assert report.repaired == 1
    assert await contents(secondary) == {"same-size": b"BBBB", "other-size": b"new!!"}


async def test_prefix_limits_the_sync(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    await primary.put("originals/x", b"1")
    await primary.put("derivatives/y", b"2")
    report = await sync(primary, secondary, prefix="originals")
    assert (report.compared, report.copied_to_secondary) == (1, 1)
    assert await contents(secondary) == {"originals/x": b"1"}


async def test_progress_reports_every_key(tmp_path: Path) -> None:
    primary, secondary = local_pair(tmp_path)
    for i in range(12):
        await (primary if i % 3 else secondary).put(f"k/{i}", b"x")
    calls: list[tuple[int, int]] = []
    await sync(primary, secondary, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(done, 12) for done in range(1, 13)]


@pytest.mark.seaweedfs
async def test_sync_between_a_local_folder_and_seaweedfs(
    tmp_path: Path, seaweedfs: SeaweedS3
) -> None:
    primary, secondary = local_store(tmp_path, "p"), open_store(seaweedfs.url(), tmp_path)
    await primary.put("only/primary", b"p")
    await primary.put("changed", b"new content")
    await secondary.put("changed", b"old")
    await secondary.put("only/secondary", b"s")
    report = await sync(primary, secondary)
    assert (report.compared, report.copied_to_secondary, report.copied_to_primary) == (3, 1, 1)
    assert (report.repaired, report.errors) == (1, 0)
    expected = {"only/primary": b"p", "changed": b"new content", "only/secondary": b"s"}
    assert await contents(primary) == await contents(secondary) == expected
