"""Step 9: encode, with the format's saver from ``savers.SAVERS``. Metadata is stripped
(imgix does); an ICC profile stays only when the colour step kept the source's own
(``cs=origin``).

Defaults follow imgix: ``q`` 75, and 45 with ``auto=compress`` (which also palettises PNG).
"""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.imaging.savers import SAVERS, Choices, Effort
from enlarger.spec.model import Auto, Format, Output

DEFAULT_QUALITY = 75
COMPRESS_QUALITY = 45
_LOSSY = frozenset({Format.JPG, Format.PJPG, Format.WEBP, Format.AVIF, Format.JXL})


def encode(image: Any, fmt: Format, output: Output, *, keep_profile: bool, effort: Effort) -> bytes:
    """``image`` as ``fmt``; ``KeyError`` for a format without a saver (``render`` refuses
    those first, through ``writable_formats``). With ``max_bytes``, lossy formats are
    written again at a lower quality until they fit (or quality 1 is reached)."""
    saver = SAVERS[fmt]
    keep = pyvips.enums.ForeignKeep.ICC if keep_profile else pyvips.enums.ForeignKeep.NONE
    quality = quality_for(output)

    def save(quality: int) -> bytes:
        options = saver.options(Choices(quality, output, effort, image.width * image.height))
        data: bytes = getattr(image, saver.operation)(**options, keep=keep)
        return data

    data = save(quality)
    limit = output.max_bytes
    while limit is not None and len(data) > limit and fmt in _LOSSY and quality > 1:
        quality = max(1, min(quality - 5, int(quality * (limit / len(data)) ** 0.5)))
        data = save(quality)
    return data


def quality_for(output: Output) -> int:
    """The encoder quality: ``q``, or imgix's default for the ``auto`` asked for."""
    default = COMPRESS_QUALITY if Auto.COMPRESS in output.auto else DEFAULT_QUALITY
    # imgix allows q=0; libvips' savers start at 1
    return max(1, output.q) if output.q is not None else default
