"""imgix URL signatures and expiry, computed exactly as imgix and its clients do.

The signature is ``md5_hex(sign_key + path + "?" + query)``, where ``path`` is the
request path as sent (still percent-encoded) and ``query`` is the raw query string
without the trailing ``s`` parameter (``"?" + query`` is left out when there is no
other parameter). Everything is checked over the bytes as received: re-encoding a
path or reordering parameters would break signatures made by clients that encode
differently (js-core keeps parameter order, the Python client sorts).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from enlarger.errors import BadSignature, Expired

_SIGNATURE = re.compile(rb"[0-9a-fA-F]{32}")


def split_signature(raw_query: bytes) -> tuple[bytes, bytes | None]:
    """Split a raw query into (signed part, signature); ``s`` must be the last parameter."""
    if not raw_query:
        return b"", None
    head, _, last = raw_query.rpartition(b"&")
    if last.startswith(b"s="):
        return head, last[2:]
    return raw_query, None


def signature(sign_key: str, raw_path: bytes, signed_query: bytes) -> str:
    """The md5 hex digest imgix expects for this path and query (without ``s``)."""
    base = sign_key.encode("utf-8") + raw_path
    if signed_query:
        base += b"?" + signed_query
    return hashlib.md5(base, usedforsecurity=False).hexdigest()


def verify(sign_key: str | None, raw_path: bytes, raw_query: bytes) -> None:
    """Raise ``BadSignature`` unless the URL carries a valid ``s`` (no-op without a key)."""
    if not sign_key:
        return
    signed_query, given = split_signature(raw_query)
    if given is None:
        if _has_parameter(raw_query, b"s"):
            raise BadSignature("the signature parameter 's' must be the last parameter")
        raise BadSignature("this URL must be signed: the 's' parameter is missing")
    if _has_parameter(signed_query, b"s"):
        raise BadSignature("the signature parameter 's' appears more than once")
    if not _SIGNATURE.fullmatch(given):
        raise BadSignature("the signature parameter 's' must be 32 hexadecimal digits")
    expected = signature(sign_key, raw_path, signed_query).encode("ascii")
    if not hmac.compare_digest(expected, given.lower()):
        raise BadSignature("the signature does not match this URL")


def check_expiry(expires: int | None, now: float) -> None:
    """Raise ``Expired`` when ``expires`` (unix seconds) is in the past."""
    if expires is not None and expires <= now:
        raise Expired("this URL has expired", expires=expires)


def _has_parameter(raw_query: bytes, name: bytes) -> bool:
    return any(part.split(b"=", 1)[0] == name for part in raw_query.split(b"&"))
