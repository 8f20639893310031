"""Response headers a CDN relies on: ETag, conditional requests, dates and downloads."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from email.utils import formatdate
from urllib.parse import quote

_UNSAFE_IN_QUOTED = re.compile(r'[^\x20-\x7e]|["\\%]')


def strong_etag(*parts: str) -> str:
    """A strong validator: the quoted sha256 (truncated) of everything the bytes depend on."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f'"{digest[:40]}"'


def none_match(if_none_match: str | None, etag: str) -> bool:
    """True when ``If-None-Match`` names ``etag`` (weak comparison, as RFC 9110 asks)."""
    if not if_none_match:
        return False
    candidates = [c.strip() for c in if_none_match.split(",")]
    return any(c == "*" or c.removeprefix("W/") == etag for c in candidates)


def http_date(unix_seconds: float) -> str:
    return formatdate(unix_seconds, usegmt=True)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name as RFC 5987 ``filename*``."""
    name = _basename(filename) or "download"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = _UNSAFE_IN_QUOTED.sub("_", ascii_name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _basename(filename: str) -> str:
    """Drop any directory part and control characters a client put in the name."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
