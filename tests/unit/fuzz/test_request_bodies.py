"""Fuzzing what the JSON API reads from a request body: the upload body parser (any
content type, any bytes), the depth-bounded JSON reader, the purge body and the Kraken
options. Each gives its value or a 4xx naming the problem, never another error."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.types import Message

from enlarger.errors import EnlargerError
from enlarger.http.json_body import parse_json
from enlarger.http.purge import source_named
from enlarger.http.upload_body import read_upload_body
from enlarger.optimize.request import parse_request
from tests.unit.fuzz.strategies import HOSTILE_TEXT, JSON_VALUES, check_client_error, outcome

EXAMPLES = 200
MAX_BYTES = 4096
_CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "multipart/form-data",
            "multipart/form-data; boundary=x",
            "multipart/form-data; boundary=",
            "image/jpeg",
            "",
        ]
    ),
    HOSTILE_TEXT,
)
_MULTIPART = st.tuples(HOSTILE_TEXT, st.binary(max_size=64), HOSTILE_TEXT).map(
    lambda part: (
        b'--x\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n\r\n%s\r\n--x--\r\n'
        % (part[0].encode(), part[2].encode(), part[1])
    )
)


def _request(content_type: str, body: bytes, query: bytes = b"") -> Request:
    headers = [(b"content-length", str(len(body)).encode())]
    if content_type:
        headers.append((b"content-type", content_type.encode("utf-8", "replace")))
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "query_string": query,
        "headers": headers,
    }
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


def _value_or_4xx(work: Callable[[], Any]) -> None:
    result = outcome(work)
    if isinstance(result, EnlargerError):
        check_client_error(result)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    _CONTENT_TYPES,
    st.one_of(
        st.binary(max_size=256), _MULTIPART, JSON_VALUES.map(lambda v: json.dumps(v).encode())
    ),
)
def test_upload_bodies(content_type: str, body: bytes) -> None:
    request = _request(content_type, body, b"callback_url=x")
    _value_or_4xx(lambda: asyncio.run(read_upload_body(request, MAX_BYTES)))


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.one_of(
        st.text(alphabet='[]{}",:\\ 1a', max_size=200),
        st.integers(min_value=0, max_value=50_000).map(lambda n: "[" * n + "]" * n),
        st.binary(max_size=64),
    )
)
def test_json_text(raw: str | bytes) -> None:
    _value_or_4xx(lambda: parse_json(raw))


@settings(max_examples=EXAMPLES, deadline=None)
@given(JSON_VALUES)
def test_purge_bodies(value: Any) -> None:
    _value_or_4xx(lambda: source_named(value))


_KRAKEN_KEYS = st.sampled_from(
    [
        "wait",
        "callback_url",
        "lossy",
        "quality",
        "resize",
        "convert",
        "url",
        "s3_store",
        "webp",
        "auto_orient",
        "preserve_meta",
        "sampling_scheme",
        "dev",
        "avif",
    ]
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.dictionaries(st.one_of(_KRAKEN_KEYS, HOSTILE_TEXT), JSON_VALUES, max_size=6))
def test_kraken_options(options: dict[str, Any]) -> None:
    _value_or_4xx(lambda: parse_request(options))
