"""thumbor's URL dialect as a pure grammar: the path after the signature -> ``Draft``.

``grammar`` splits the path into its parts, ``build`` turns them into ``RenderSpec``
fields by thumbor 7's rules, ``filters`` is the table of filters (``extract_focal()``
also replaces the image path, so it is applied here); ``compat`` writes the
compatibility table (docs/thumbor.md) from those modules.
"""

from __future__ import annotations

from enlarger.spec.thumbor.build import build
from enlarger.spec.thumbor.draft import Draft, Status
from enlarger.spec.thumbor.focal import extract_focal
from enlarger.spec.thumbor.grammar import ThumborUrl, read_url


def parse_path(path: str) -> tuple[Draft, str]:
    """The render and the image path (percent-decoded) of a thumbor path (no signature)."""
    url = read_url(path)
    draft = build(url)
    if not any(call.name == "extract_focal" for call in url.filters):
        return draft, url.image
    image, focus = extract_focal(url.image)
    return (draft if focus is None else draft.set("geometry.focus", focus)), image


__all__ = ["Draft", "Status", "ThumborUrl", "parse_path", "read_url"]
