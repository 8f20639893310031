"""Object stores for tests: local folders under the test's temporary directory."""

from __future__ import annotations

from pathlib import Path

from enlarger.storage import ObjectStore, open_store


def local_store(tmp_path: Path, name: str) -> ObjectStore:
    """A local store in ``tmp_path / name``."""
    return open_store(str(tmp_path / name), tmp_path)


async def contents(store: ObjectStore) -> dict[str, bytes]:
    """Every object of ``store``, key to bytes."""
    return {info.key: await store.get(info.key) async for info in store.list()}


def local_pair(tmp_path: Path) -> tuple[ObjectStore, ObjectStore]:
    """A primary in ``tmp_path / "p"`` and a secondary in ``tmp_path / "s"``."""
    return local_store(tmp_path, "p"), local_store(tmp_path, "s")
