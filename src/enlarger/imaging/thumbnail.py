"""The one decode every render and preview starts with: libvips' ``thumbnail``."""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.imaging.heic import HEIC_LOADER, decode_heic
from enlarger.spec.cost import coarsest_jpeg_shrink
from enlarger.spec.facts import SourceFacts


def thumbnail(
    data: bytes,
    facts: SourceFacts,
    width: int,
    height: int,
    *,
    no_rotate: bool = False,
    all_frames: bool = False,
    fast_shrink: bool = False,
) -> Any:
    """``data`` (``probe``'s ``facts``) decoded at exactly ``width`` x ``height``.

    ``all_frames``: every frame of a multi-frame source, each at that size, stacked
    vertically with ``page-height`` set (libvips' ``n=-1``); stills decode as usual.

    libvips shrinks on load where the format allows (JPEG by up to 8, WebP to any size).
    ``fail_on=error`` is given as a loader option: the keyword argument of the same name
    does not reach the loader, and truncated input would decode grey. HEIC is decoded in
    full by pillow-heif first, then shrunk by the same operation.

    ``fast_shrink``: a JPEG shrinks on load by the largest factor (2, 4 or 8) that leaves
    it no smaller than asked, as thumbor (Pillow's ``draft``) and sharp
    (``fastShrinkOnLoad``) do, where libvips leaves at least 2x for its resampling
    kernel. It decodes up to 4x fewer pixels (fit 512 on 2 K photos: 0.86x the CPU) at
    some quality: SSIMULACRA2 86-96 against a full decode where libvips' own choice
    scores 94-100, 73 on fine sand ripples (benchmarks/HOTPATH.md).
    """
    if fast_shrink and facts.loader == "jpeg":
        shrink = _fast_jpeg_shrink(facts, width, height, no_rotate)
        if shrink > 1:
            loaded = pyvips.Image.new_from_buffer(
                data, "", shrink=shrink, fail_on="error", access="sequential"
            )
            return _resized(loaded, width, height, no_rotate)
    if facts.loader == HEIC_LOADER:
        return _resized(decode_heic(data, facts), width, height, no_rotate)
    return pyvips.Image.thumbnail_buffer(
        data,
        width,
        height=height,
        size="force",
        no_rotate=no_rotate,
        option_string="fail_on=error,n=-1" if all_frames and facts.frames > 1 else "fail_on=error",
    )


def _fast_jpeg_shrink(facts: SourceFacts, width: int, height: int, no_rotate: bool) -> int:
    """The largest JPEG shrink-on-load factor that keeps both sides at least as asked."""
    stored = (facts.width, facts.height)
    source = stored if no_rotate else (facts.oriented_width, facts.oriented_height)
    return coarsest_jpeg_shrink(min(source[0] / width, source[1] / height))


def _resized(decoded: Any, width: int, height: int, no_rotate: bool) -> Any:
    """An image decoded already (at any scale), brought to exactly ``width`` x ``height``."""
    return decoded.thumbnail_image(width, height=height, size="force", no_rotate=no_rotate)
