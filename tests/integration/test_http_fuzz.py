"""No request a client can send causes a 500: random paths and imgix queries against the app.

Keys mix real imgix names, aliases, unsupported imgix parameters and noise; values mix
numbers, colours, lists, percent escapes and junk. Every answer must be a success or a
4xx whose body is JSON naming the problem.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from enlarger.spec.imgix import PARAMETERS
from tests.support.render_app import BASE_URL, FIXTURES, ORIGINALS, make_app

_NAMES = sorted({name for p in PARAMETERS for name in (p.name, *p.aliases)})
_KEYS = st.one_of(
    st.sampled_from([*_NAMES, "ixlib", "s", "blur", "txt", "w64", "dl64", "mark", ""]),
    st.text(min_size=1, max_size=8),
)
_VALUES = st.one_of(
    st.integers(min_value=-10, max_value=1200).map(str),
    st.floats(min_value=-2, max_value=6, allow_nan=False).map(lambda f: f"{f:.3f}"),
    st.sampled_from(
        [
            "crop",
            "fill",
            "clip",
            "max",
            "min",
            "scale",
            "clamp",
            "facearea",
            "blur",
            "solid",
            "top,left",
            "entropy",
            "edges",
            "focalpoint",
            "faces",
            "format,compress",
            "true",
            "jpg",
            "pjpg",
            "png",
            "webp",
            "avif",
            "gif",
            "jxl",
            "json",
            "h",
            "v",
            "hv",
            "fff",
            "8000ff00",
            "red",
            "zzz",
            "16:9",
            "0:1",
            "1:0",
            "10,10,50,50",
            "left,top,0.5,0.5",
            "full",
            "%",
            "%zz",
            "%c3%28",
            "..%2f",
            "a%00b",
            "1e309",
            "-0",
        ]
    ),
    st.text(max_size=12),
)
#: valid pairs, so that many examples get past the parser and into the pipeline.
_VALID = [
    ("w", "120"), ("h", "0.25"), ("dpr", "2"), ("fit", "crop"), ("fit", "fill"),
    ("fit", "fillmax"), ("fit", "clamp"), ("fit", "scale"), ("fit", "min"), ("crop", "entropy"),
    ("crop", "focalpoint"), ("fp-z", "3"), ("ar", "16:9"), ("rect", "10,10,200,100"),
    ("rot", "33"), ("flip", "hv"), ("orient", "6"), ("fm", "png"), ("fm", "webp"),
    ("fm", "gif"), ("q", "0"), ("bg", "80ff0000"), ("fill", "blur"), ("cs", "origin"),
    ("auto", "format,compress"), ("dl", "x.jpg"), ("min-w", "300"), ("max-h", "50"),
]  # fmt: skip
_PAIRS = st.one_of(
    st.lists(st.sampled_from(_VALID), max_size=4),
    st.lists(st.one_of(st.sampled_from(_VALID), st.tuples(_KEYS, _VALUES)), max_size=5),
)
_PATHS = st.one_of(
    st.sampled_from(["rocket.jpg", "rgba.png"]),
    st.sampled_from(
        [
            "missing.jpg",
            "..%2frocket.jpg",
            "%2e%2e/x",
            "sub%20dir/",
            "a//b",
            "%ff.jpg",
            "rocket.jpg/",
            "%E6%9D%B1%E4%BA%AC/%E5%86%99%E7%9C%9F%201.jpg",
        ]
    ),
    st.text(max_size=16).map(lambda t: quote(t, safe="/%")),
)

#: what a client may legitimately get back; 500 and 503-by-bug are not on the list.
_EXPECTED = {200, 304, 400, 403, 404, 405, 410, 413, 422}


class Client:
    """A synchronous face on the ASGI app: hypothesis drives plain functions."""

    def __init__(self, client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop) -> None:
        self._client, self._loop = client, loop

    def get(self, url: str) -> httpx.Response:
        return self._loop.run_until_complete(self._client.get(url))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    root = tmp_path_factory.mktemp("fuzz") / "originals"
    for name, fixture in ORIGINALS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / fixture, root / name)
    app = make_app(root, embedded_worker=False, max_output_side=2048)
    loop = asyncio.new_event_loop()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    http = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
    try:
        yield Client(http, loop)
    finally:
        loop.run_until_complete(http.aclose())
        app.state.render_pool.close()
        app.state.services.close()
        loop.close()


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=_PATHS, pairs=_PAIRS)
def test_no_request_causes_a_server_error(
    client: Client, path: str, pairs: list[tuple[str, str]]
) -> None:
    query = "&".join(f"{quote(k, safe='%')}={quote(v, safe='%,:')}" for k, v in pairs)
    response = client.get(f"/{path}" + (f"?{query}" if query else ""))
    event(f"status {response.status_code}")
    assert response.status_code in _EXPECTED, (path, query, response.text[:300])
    if response.status_code >= 400:
        body = json.loads(response.text)
        assert body["error"], body
        assert body["message"], body
