"""The imgix dialect: signature over the bytes received, then the spec, source and expiry."""

from __future__ import annotations

import pytest

from enlarger.dialects import Dialect, DialectRequest, ImgixDialect
from enlarger.errors import BadSignature, ClientError, Expired, InvalidParameter
from enlarger.security.signing import signature
from enlarger.spec.imgix import parse
from enlarger.spec.model import Format
from enlarger.spec.negotiate import DEFAULT_WRITABLE

KEY = "dialect-key"


def signed(raw_path: bytes, query: bytes) -> bytes:
    return query + b"&s=" + signature(KEY, raw_path, query).encode()


def test_a_signed_request_names_its_spec_source_and_expiry() -> None:
    dialect: Dialect = ImgixDialect(KEY, DEFAULT_WRITABLE)
    raw_path = b"/sub%20dir/caf%C3%A9%2Bco.jpg"
    request = dialect.request(raw_path, signed(raw_path, b"w=300&expires=2000000000"))
    assert request == DialectRequest(parse("w=300"), "sub dir/café+co.jpg", 2000000000)


def test_the_signature_is_checked_before_the_query_is_read() -> None:
    dialect = ImgixDialect(KEY, DEFAULT_WRITABLE)
    with pytest.raises(BadSignature):
        dialect.request(b"/a.jpg", b"w=nonsense")
    with pytest.raises(BadSignature):
        dialect.request(b"/b.jpg", signed(b"/a.jpg", b"w=10"))


def test_unsigned_requests_are_parsed_without_a_key() -> None:
    dialect = ImgixDialect(None, frozenset({Format.JPG}))
    assert dialect.request(b"/a.jpg", b"").path == "a.jpg"
    with pytest.raises(InvalidParameter):
        dialect.request(b"/a.jpg", b"fm=png")
    with pytest.raises(ClientError):
        dialect.request(b"/a.jpg", b"dl=\xff")


def test_expiry_is_a_check_on_the_request() -> None:
    request = ImgixDialect(None, DEFAULT_WRITABLE).request(b"/a.jpg", b"expires=1000")
    request.check(999.0)
    with pytest.raises(Expired):
        request.check(1000.0)
    DialectRequest(request.spec, "a.jpg").check(1e12)  # no expiry: always served
