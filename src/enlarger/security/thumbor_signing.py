"""thumbor URL signatures, as libthumbor writes them.

The signature is the URL-safe base64 (with padding) of HMAC-SHA1, keyed with the
deployment's key, over the path after ``/<signature>/`` exactly as received: a URL
whose bytes differ from what was signed (another size, a re-encoded image path) fails.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import unquote

from enlarger.errors import BadSignature

UNSAFE = "unsafe"


def thumbor_signature(key: str, signed_path: bytes) -> str:
    digest = hmac.new(key.encode("utf-8"), signed_path, hashlib.sha1).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def verify_thumbor(key: str | None, allow_unsafe: bool, signature: str, signed_path: bytes) -> None:
    """Raise ``BadSignature`` (403) unless ``signature`` signs ``signed_path``.

    ``unsafe`` passes only when ``allow_unsafe``; with no key no signature can pass.
    """
    if signature == UNSAFE:
        if not allow_unsafe:
            raise BadSignature("unsafe thumbor URLs are not allowed here: sign the URL")
        return
    if key is None:
        raise BadSignature("this server has no thumbor key: signed thumbor URLs cannot pass")
    expected = thumbor_signature(key, signed_path)
    given = unquote(signature)
    if not hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "replace")):
        raise BadSignature("the thumbor signature does not match this URL")
