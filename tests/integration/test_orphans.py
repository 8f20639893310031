"""The orphan sweeper on real SQLite and PostgreSQL catalogs and a real local store.

Orphans are stored originals and derivatives whose sha256 has no image row: an upload
killed between its object write and its row commit, a failed delete, a conversion that
outlived its image. The sweeper removes them after a grace period and never an object
an upload in flight depends on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
from pathlib import Path

import anyio
import pytest
from typer.testing import CliRunner

from enlarger.catalog.models import Image
from enlarger.cli import app as cli
from enlarger.ingest.orphans import sweep_orphans, sweeping_orphans
from enlarger.ingest.service import Ingestor
from enlarger.storage.keys import derivatives_prefix, original_key
from enlarger.storage.protocol import ObjectStore
from tests.support.uploads import UploadApp, encoded

pytestmark = pytest.mark.anyio

LATER = dt.timedelta(hours=2)


async def _orphan(store: ObjectStore, data: bytes) -> tuple[str, str]:
    """Store ``data`` as an original and one derivative, recording nothing."""
    sha256 = hashlib.sha256(data).hexdigest()
    original = original_key(sha256, "jpg")
    derivative = f"{derivatives_prefix(sha256)}/thumb-0123abcd.webp"
    await store.put(original, data, "image/jpeg")
    await store.put(derivative, b"RIFF....WEBP", "image/webp")
    return original, derivative


async def _keys(store: ObjectStore) -> list[str]:
    return sorted([info.key async for info in store.list()])


async def test_orphans_past_the_grace_period_go_recorded_images_stay(uploads: UploadApp) -> None:
    store, sessions = uploads.services.store, uploads.services.sessions
    response = await uploads.client.post("/v1/images", content=encoded(colour=(1, 2, 3)))
    assert response.status_code == 201, response.text
    kept = await _keys(store)
    orphaned = await _orphan(store, encoded(colour=(9, 9, 9)))

    now = dt.datetime.now(dt.UTC)
    young = await sweep_orphans(store, sessions, grace_s=3600, now=now)
    assert young.removed == []
    assert await _keys(store) == sorted([*kept, *orphaned])

    old = await sweep_orphans(store, sessions, grace_s=3600, now=now + LATER)
    assert sorted(old.removed) == sorted(orphaned)
    assert old.examined == len(kept) + 2
    assert await _keys(store) == kept
    shown = await uploads.client.get(f"/i/{response.json()['id']}?w=10")
    assert shown.status_code == 200


async def test_an_orphan_written_again_since_the_listing_is_spared(uploads: UploadApp) -> None:
    """An upload of the same content rewrites the orphan: its new date spares it, even
    from a sweep whose listing saw the old date."""
    store, sessions = uploads.services.store, uploads.services.sessions
    data = encoded(colour=(4, 5, 6))
    original, _ = await _orphan(store, data)
    path = Path(uploads.services.settings.data_dir) / "objects" / original
    if not path.exists():
        pytest.skip(f"the local store does not keep objects at {path}")
    two_hours_ago = (dt.datetime.now(dt.UTC) - LATER).timestamp()
    os.utime(path, (two_hours_ago, two_hours_ago))

    class RewrittenAfterListing:
        """The real store; the sweep's date check sees the object after an upload wrote it."""

        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        async def head(self, key: str) -> object:
            await store.put(key, data, "image/jpeg")
            return await store.head(key)

    report = await sweep_orphans(RewrittenAfterListing(), sessions, grace_s=3600)  # type: ignore[arg-type]
    assert original not in report.removed
    assert await store.get(original) == data


async def test_a_sweep_between_an_uploads_write_and_commit_loses_nothing(
    uploads: UploadApp,
) -> None:
    """The worst timing: a sweep with no grace runs after the upload wrote its original and
    before its row committed, and deletes it. The upload writes it again."""
    services = uploads.services
    store, sessions = services.store, services.sessions
    swept: list[str] = []

    class SweptRightAfterEachPut:
        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        async def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
            await store.put(key, data, content_type)
            if not swept:
                report = await sweep_orphans(store, sessions, 0, dt.datetime.now(dt.UTC) + LATER)
                swept.extend(report.removed)

    ingestor = Ingestor(services.settings, SweptRightAfterEachPut(), sessions)  # type: ignore[arg-type]
    data = encoded(colour=(7, 8, 9))
    ingested = await ingestor.from_bytes(data)
    assert swept == [ingested.image.original_key]  # the sweep did take it
    assert await store.get(ingested.image.original_key) == data
    assert uploads.count(Image) == 1


async def test_serve_sweeps_every_interval(uploads: UploadApp) -> None:
    store, sessions = uploads.services.store, uploads.services.sessions
    orphaned = await _orphan(store, encoded(colour=(20, 30, 40)))
    await anyio.sleep(0.01)  # older than the zero grace period below
    async with sweeping_orphans(lambda: store, sessions, grace_s=0.0, interval_s=0.05):
        with anyio.fail_after(10):
            while any([await store.exists(key) for key in orphaned]):
                await anyio.sleep(0.02)


def test_the_sweep_command_removes_orphans(tmp_path: Path) -> None:
    from enlarger.storage import open_store

    data_dir = tmp_path / "data"
    runner = CliRunner()
    first = runner.invoke(cli, ["sweep", "--data-dir", str(data_dir)])
    assert first.exit_code == 0, first.output
    assert "removed:  0" in first.output
    store = open_store("", data_dir)
    orphaned = asyncio.run(_orphan(store, encoded(colour=(50, 60, 70))))
    kept = runner.invoke(cli, ["sweep", "--data-dir", str(data_dir)])
    assert kept.exit_code == 0, kept.output
    assert "removed:  0" in kept.output  # younger than the default hour of grace
    swept = runner.invoke(cli, ["sweep", "--grace", "0", "--data-dir", str(data_dir)])
    assert swept.exit_code == 0, swept.output
    assert "removed:  2" in swept.output
    assert all(f"removed {key}" in swept.output for key in orphaned)
    assert asyncio.run(_keys(store)) == []
