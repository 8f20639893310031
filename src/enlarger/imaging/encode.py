"""Step 9: encode. Metadata is stripped (imgix does); an ICC profile stays only when the
colour step kept the source's own (``cs=origin``).

Defaults follow imgix: ``q`` 75, and 45 with ``auto=compress`` (which also palettises PNG).
"""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.spec.model import Auto, Format, Output

DEFAULT_QUALITY = 75
COMPRESS_QUALITY = 45
#: zlib level for PNG: level 4 is several times faster than 9 for a few % more bytes.
PNG_COMPRESSION = 4
#: imgix ``chromasub`` -> libvips ``subsample_mode``. libvips writes 4:2:0 or 4:4:4 only,
#: so 4:2:2 gets the full-resolution 4:4:4 (never less chroma than asked for).
#: imgix defaults to 4:2:0 at every quality (libvips' "auto" turns it off from Q 90).
_SUBSAMPLE = {444: "off", 422: "off", 420: "on"}
_LOSSY = frozenset({Format.JPG, Format.PJPG, Format.WEBP, Format.AVIF, Format.JXL})


def encode(
    image: Any, fmt: Format, output: Output, *, keep_profile: bool, avif_effort: int
) -> bytes:
    """``image`` in ``fmt``; with ``max_bytes``, lossy formats are written again at a
    lower quality until they fit (or quality 1 is reached)."""
    compress = Auto.COMPRESS in output.auto
    default = COMPRESS_QUALITY if compress else DEFAULT_QUALITY
    # imgix allows q=0; libvips' savers start at 1
    quality = max(1, output.q) if output.q is not None else default
    data = _save(image, fmt, output, quality, keep_profile, avif_effort)
    limit = output.max_bytes
    while limit is not None and len(data) > limit and fmt in _LOSSY and quality > 1:
        quality = max(1, min(quality - 5, int(quality * (limit / len(data)) ** 0.5)))
        data = _save(image, fmt, output, quality, keep_profile, avif_effort)
    return data


def _save(
    image: Any, fmt: Format, output: Output, quality: int, keep_profile: bool, avif_effort: int
) -> bytes:
    keep = pyvips.enums.ForeignKeep.ICC if keep_profile else pyvips.enums.ForeignKeep.NONE
    compress = Auto.COMPRESS in output.auto
    data: bytes
    if fmt in (Format.JPG, Format.PJPG):
        data = image.jpegsave_buffer(
            Q=quality,
            interlace=fmt is Format.PJPG,
            optimize_coding=True,
            subsample_mode=_SUBSAMPLE[output.chromasub or 420],
            keep=keep,
        )
    elif fmt is Format.PNG:
        data = image.pngsave_buffer(compression=PNG_COMPRESSION, palette=compress, keep=keep)
    elif fmt is Format.WEBP:
        data = image.webpsave_buffer(Q=quality, lossless=output.lossless, keep=keep)
    elif fmt is Format.AVIF:
        data = image.heifsave_buffer(
            Q=quality,
            lossless=output.lossless,
            compression="av1",
            effort=avif_effort,
            keep=keep,
        )
    elif fmt is Format.GIF:
        data = image.gifsave_buffer(keep=keep)
    else:
        data = image.jxlsave_buffer(Q=quality, lossless=output.lossless, keep=keep)
    return data
