"""imgix's dialect: the source is the URL path, the render is the query (``spec.imgix``)."""

from __future__ import annotations

from enlarger.dialects.base import DialectRequest, decode_path
from enlarger.errors import ClientError
from enlarger.security.signing import verify
from enlarger.spec.imgix import parse_query
from enlarger.spec.model import Format


class ImgixDialect:
    """imgix URLs, signed with ``sign_key`` when one is set; ``fm`` limited to ``writable``;
    with ``ignore_unknown`` parameters this server does not know are skipped, not a 400."""

    def __init__(
        self, sign_key: str | None, writable: frozenset[Format], ignore_unknown: bool = False
    ) -> None:
        self._sign_key = sign_key
        self._writable = writable
        self._ignore_unknown = ignore_unknown

    def request(self, raw_path: bytes, raw_query: bytes) -> DialectRequest:
        verify(self._sign_key, raw_path, raw_query)
        try:
            query = raw_query.decode("utf-8")
        except UnicodeDecodeError:
            raise ClientError("the query string is not valid UTF-8") from None
        parsed = parse_query(query, self._writable, self._ignore_unknown)
        return DialectRequest(
            parsed.spec,
            decode_path(raw_path),
            parsed.expires,
            ignored=parsed.ignored,
            hints=parsed.hints,
        )
