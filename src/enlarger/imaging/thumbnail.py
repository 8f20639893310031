"""The one decode every render and preview starts with: libvips' ``thumbnail``."""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.imaging.heic import HEIC_LOADER, decode_heic
from enlarger.spec.facts import SourceFacts


def thumbnail(
    data: bytes,
    facts: SourceFacts,
    width: int,
    height: int,
    *,
    no_rotate: bool = False,
    all_frames: bool = False,
) -> Any:
    """``data`` (``probe``'s ``facts``) decoded at exactly ``width`` x ``height``.

    ``all_frames``: every frame of a multi-frame source, each at that size, stacked
    vertically with ``page-height`` set (libvips' ``n=-1``); stills decode as usual.

    libvips shrinks on load where the format allows (JPEG by up to 8, WebP to any size).
    ``fail_on=error`` is given as a loader option: the keyword argument of the same name
    does not reach the loader, and truncated input would decode grey. HEIC is decoded in
    full by pillow-heif first, then shrunk by the same operation.
    """
    if facts.loader == HEIC_LOADER:
        decoded = decode_heic(data, facts)
        return decoded.thumbnail_image(width, height=height, size="force", no_rotate=no_rotate)
    return pyvips.Image.thumbnail_buffer(
        data,
        width,
        height=height,
        size="force",
        no_rotate=no_rotate,
        option_string="fail_on=error,n=-1" if all_frames and facts.frames > 1 else "fail_on=error",
    )
