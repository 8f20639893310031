"""The dialect protocol and what it returns: pure, no I/O, no pyvips.

A dialect may read the render from the query (imgix: ``/photo.jpg?w=300``) or from
the path (thumbor: ``/<signature>/300x200/smart/photo.jpg``), so it receives both as
raw bytes and says itself which source the URL names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

from enlarger.security.signing import check_expiry
from enlarger.spec.facts import SourceFacts
from enlarger.spec.hints import ClientHint
from enlarger.spec.model import RenderSpec
from enlarger.spec.plan import Plan

#: a dialect's JSON answer about a render instead of its image (thumbor ``meta/``):
#: (source path, spec, the source's facts, the Plan) -> a JSON object.
Describe = Callable[[str, RenderSpec, SourceFacts, Plan], Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class DialectRequest:
    """A verified, parsed render request.

    ``path`` is the source the URL names, percent-decoded, without a leading slash.
    ``expires`` (unix seconds) is checked per request and is not part of the render:
    two URLs that differ only in it share the ETag and every key. ``max_age`` (seconds)
    replaces the server's Cache-Control lifetime; ``meta``, when set, answers the
    render's geometry as the JSON it writes instead of the image (thumbor ``meta/``).
    """

    spec: RenderSpec
    path: str
    expires: int | None = None
    max_age: int | None = None
    meta: Describe | None = None
    #: parameters the URL gave that the dialect skipped (``[render] unknown_params``).
    ignored: tuple[str, ...] = ()
    #: client hints the URL asks for (imgix ``ch=``): request headers that fill in the spec.
    hints: frozenset[ClientHint] = frozenset()

    def check(self, now: float) -> None:
        """Raise ``Expired`` (410) when the URL is no longer served at ``now``."""
        check_expiry(self.expires, now)


class Dialect(Protocol):
    def request(self, raw_path: bytes, raw_query: bytes) -> DialectRequest:
        """Verify the signature over the bytes received (403), then parse them (400)."""
        ...


def decode_path(raw_path: bytes) -> str:
    """A raw URL path decoded as uvicorn decodes it, without its leading slash."""
    text = unquote(raw_path.decode("latin-1"), encoding="utf-8", errors="replace")
    return text.removeprefix("/")
