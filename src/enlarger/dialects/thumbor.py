"""thumbor's dialect: ``<prefix>/<signature|unsafe>/<options>/<image>``, all in the path.

The signature (``security.thumbor_signing``) is checked over the raw bytes after it
before anything is parsed; the rest is ``spec.thumbor``'s grammar. The image part is a
path in the route's origins: ``i/<id>`` names an uploaded image, anything else a file
in the web folder (``http/thumbor.py`` routes it).
"""

from __future__ import annotations

from enlarger.dialects.base import DialectRequest
from enlarger.errors import InvalidParameter, NotFound
from enlarger.security.thumbor_signing import verify_thumbor
from enlarger.spec.model import Format
from enlarger.spec.thumbor import parse_path
from enlarger.spec.thumbor.meta import describe


class ThumborDialect:
    """thumbor URLs under ``prefix`` (``"/thumbor"``, or ``"/"`` for the whole site)."""

    def __init__(
        self, key: str | None, allow_unsafe: bool, writable: frozenset[Format], prefix: str
    ) -> None:
        self._key = key
        self._allow_unsafe = allow_unsafe
        self._writable = writable
        self._prefix = prefix.rstrip("/").encode("ascii")

    def request(self, raw_path: bytes, raw_query: bytes) -> DialectRequest:
        if not raw_path.startswith(self._prefix + b"/"):
            raise NotFound("no such thumbor URL")
        signature, slash, signed = raw_path[len(self._prefix) + 1 :].partition(b"/")
        if not slash:
            raise NotFound("a thumbor URL is /<signature>/<options>/<image>")
        verify_thumbor(self._key, self._allow_unsafe, signature.decode("latin-1"), signed)
        draft, image = parse_path(signed.decode("latin-1"))
        fm = draft.spec.output.fm
        if fm is not None and fm not in self._writable:
            raise InvalidParameter("format()", "a format this server can write", fm.value)
        return DialectRequest(
            draft.spec, image, max_age=draft.max_age, meta=describe if draft.meta else None
        )
