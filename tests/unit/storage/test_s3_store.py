"""What only the S3 backend does: content types, credentials from AWS_* variables, prefixes.

Runs against the SeaweedFS the session fixture starts.
"""

from __future__ import annotations

from pathlib import Path

import obstore
import pytest
from obstore.store import S3Store

from enlarger.storage import StorageUnavailableError, open_store
from tests.support.seaweedfs import SeaweedS3

pytestmark = [pytest.mark.anyio, pytest.mark.seaweedfs]


def raw_bucket(seaweedfs: SeaweedS3) -> S3Store:
    return S3Store(
        seaweedfs.bucket,
        endpoint=seaweedfs.endpoint,
        region="us-east-1",
        access_key_id=seaweedfs.access_key_id,
        secret_access_key=seaweedfs.secret_access_key,
        client_options={"allow_http": True},
    )


async def test_content_type_is_stored(seaweedfs: SeaweedS3, tmp_path: Path) -> None:
    store = open_store(seaweedfs.url("typed"), tmp_path)
    await store.put("img.webp", b"RIFF....WEBP", content_type="image/webp")
    result = await obstore.get_async(raw_bucket(seaweedfs), "typed/img.webp")
    assert result.attributes["Content-Type"] == "image/webp"


async def test_url_prefix_is_a_folder_in_the_bucket(seaweedfs: SeaweedS3, tmp_path: Path) -> None:
    await open_store(seaweedfs.url("tenant-a/objects"), tmp_path).put("k", b"a")
    other = open_store(seaweedfs.url("tenant-b/objects"), tmp_path)
    assert await other.exists("k") is False
    meta = await obstore.head_async(raw_bucket(seaweedfs), "tenant-a/objects/k")
    assert meta["size"] == 1


async def test_credentials_come_from_aws_variables(
    seaweedfs: SeaweedS3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"s3://{seaweedfs.bucket}/from-env?endpoint={seaweedfs.endpoint}&max_retries=0"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", seaweedfs.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", seaweedfs.secret_access_key)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    await open_store(url, tmp_path).put("k", b"signed with env credentials")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong")
    with pytest.raises(StorageUnavailableError):
        await open_store(url, tmp_path).put("k", b"refused")
