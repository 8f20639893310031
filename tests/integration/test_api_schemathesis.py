"""schemathesis against a live server (uvicorn in a thread): every operation of
``/openapi.json`` with generated requests, valid and not, with a real key. Fails on any
5xx, any undocumented status, content type or header (``Allow`` included) and any body
its schema refuses. A bounded number of examples per operation keeps the run short.

Three checks are left out: ``positive_data_acceptance``, because whether a request
succeeds depends on content no schema can express (the bytes must be an image, a cursor
one the server gave out, a URL one that answers); ``negative_data_rejection``, because
the API ignores query parameters it does not know, as HTTP APIs do; and ``ignored_auth``,
which cannot see the key given as a header here (test_upload_api.py checks that routes
refuse a request without one).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from schemathesis import checks

from enlarger.http.openapi import openapi_document
from tests.support.polling import wait_until
from tests.support.uploads import build_upload_app, new_key, upload_settings

EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, API key) of the app served by uvicorn on a free loopback port."""
    data_dir: Path = tmp_path_factory.mktemp("schemathesis") / "data"
    app, services = build_upload_app(upload_settings(data_dir))
    key = new_key(services)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, "uvicorn to start", timeout_s=10)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}", key
    finally:
        server.should_exit = True
        thread.join(10)
        services.close()


#: the document the server serves (test_openapi.py checks they are the same).
schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_description(
    case: schemathesis.Case[Any], live_server: tuple[str, str]
) -> None:
    base_url, key = live_server
    case.call_and_validate(
        base_url,
        headers={"authorization": f"Bearer {key}"},
        excluded_checks=[
            checks.positive_data_acceptance,
            checks.negative_data_rejection,
            checks.ignored_auth,
        ],
        timeout=30,
    )
