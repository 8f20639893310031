"""``GET /v1/images`` reads a page in a fixed number of SQL statements, not a few per image."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event

from enlarger.catalog.derivatives import DerivativeRecord, upsert_derivative
from enlarger.catalog.images import add_image
from enlarger.catalog.jobs import enqueue
from enlarger.catalog.models import Image
from enlarger.spec.canonical import canonical
from tests.support.uploads import UploadApp

pytestmark = pytest.mark.anyio

IMAGES = 20


@contextmanager
def counted_statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement ``engine`` sends while the block runs."""
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def add_images(uploads: UploadApp) -> None:
    """``IMAGES`` images, each with a convert job and a stored preset."""
    with uploads.services.sessions.begin() as session:
        for n in range(IMAGES):
            sha256 = f"{n:064x}"
            image = Image(
                sha256=sha256,
                original_key=f"originals/{sha256}.png",
                format="png",
                width=10,
                height=10,
                bytes=100,
            )
            add_image(session, image)
            enqueue(session, "convert", {"image_id": image.id}, image_id=image.id)
            spec = canonical(uploads.services.preset_specs["thumb"])  # the configured one
            record = DerivativeRecord("thumb", spec, f"d/{sha256}", "webp", 40, 40, 10)
            upsert_derivative(session, image.id, record)


async def test_a_page_of_20_takes_as_many_statements_as_a_page_of_1(uploads: UploadApp) -> None:
    add_images(uploads)
    counts = {}
    for limit in (1, IMAGES):
        with counted_statements(uploads.services.engine) as statements:
            response = await uploads.client.get("/v1/images", params={"limit": limit})
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert len(items) == limit
        assert all(item["presets"]["thumb"]["status"] == "ready" for item in items)
        assert all(item["job_id"] for item in items)
        counts[limit] = len(statements)
    assert counts[1] == counts[IMAGES], counts
