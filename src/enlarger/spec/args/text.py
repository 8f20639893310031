"""Text values: download file names and base64url-encoded values."""

from __future__ import annotations

import binascii
import re
import unicodedata
from base64 import urlsafe_b64decode
from dataclasses import dataclass

from enlarger.errors import InvalidParameter
from enlarger.spec.args.base import fail

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_CSS_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@dataclass(frozen=True, slots=True)
class Filename:
    """A download file name: printable text without path separators, at most ``max_length``.

    Empty is allowed (imgix: download under the source's own name).
    """

    max_length: int = 255

    @property
    def expected(self) -> str:
        return (
            f"a file name of at most {self.max_length} characters, "
            "without control characters or slashes"
        )

    def parse(self, parameter: str, raw: str) -> str:
        if len(raw) > self.max_length or any(
            ch in "/\\" or unicodedata.category(ch).startswith("C") for ch in raw
        ):
            raise fail(parameter, self, raw)
        return raw

    def format(self, value: str) -> str:
        return value


@dataclass(frozen=True, slots=True)
class CssIdentifier:
    """A CSS class-name prefix: a letter or ``_`` then letters, digits, ``_`` and ``-``."""

    max_length: int = 64

    @property
    def expected(self) -> str:
        return f"a CSS identifier of at most {self.max_length} characters"

    def parse(self, parameter: str, raw: str) -> str:
        if len(raw) > self.max_length or not _CSS_IDENTIFIER.fullmatch(raw):
            raise fail(parameter, self, raw)
        return raw

    def format(self, value: str) -> str:
        return value


def decode_base64url(parameter: str, raw: str) -> str:
    """The text of a base64url value (RFC 4648 URL-safe alphabet, padding optional)."""
    expected = "base64url-encoded UTF-8 text"
    if not _BASE64URL.fullmatch(raw):
        raise InvalidParameter(parameter, expected, raw)
    unpadded = raw.rstrip("=")
    try:
        data = urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
        return data.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidParameter(parameter, expected, raw) from None
