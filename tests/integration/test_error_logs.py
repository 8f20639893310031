"""Every error line in the log names the request's path and query."""

from __future__ import annotations

from pathlib import Path

import pytest
from structlog.testing import capture_logs

from tests.support.render_app import client_for, make_app

pytestmark = pytest.mark.anyio


async def test_a_reported_error_names_the_path_and_query(originals: Path) -> None:
    app = make_app(originals, deadline_s=0.05)
    with capture_logs() as logs:
        async with client_for(app) as client:
            response = await client.get("/rocket.jpg?w=2700&h=1800&fit=scale&fm=avif")
    assert response.status_code == 503
    [line] = [entry for entry in logs if entry["event"] == "request_failed"]
    assert line["path"] == "/rocket.jpg"
    assert line["query"] == "w=2700&h=1800&fit=scale&fm=avif"
