"""Storage failures carry no HTTP status of their own: the HTTP layer answers 503 for them."""

from __future__ import annotations

import shutil

import pytest

from enlarger.catalog.models import Image
from enlarger.http.errors import http_error
from enlarger.storage import ObjectNotFound, StorageUnavailableError
from tests.support.uploads import UploadApp, encoded

pytestmark = pytest.mark.anyio


def test_storage_errors_map_to_503_and_404() -> None:
    unavailable = http_error(StorageUnavailableError("file:///x", "put 'k'"))
    missing = http_error(ObjectNotFound("k"))
    assert (unavailable.status, unavailable.code, missing.status) == (503, "unavailable", 404)
    assert unavailable.body()["retry_after"] == 5
    assert not hasattr(StorageUnavailableError("s", "op"), "status")


async def test_an_upload_while_the_store_is_down_is_503_and_records_nothing(
    uploads: UploadApp,
) -> None:
    objects = uploads.services.settings.data_dir / "objects"
    shutil.rmtree(objects)
    objects.write_bytes(b"not a folder: every store operation fails")
    response = await uploads.client.post("/v1/images", content=encoded())
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["error"] == "unavailable"
    assert uploads.count(Image) == 0
