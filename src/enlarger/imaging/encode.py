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


def encode(image: Any, fmt: Format, output: Output, *, keep_profile: bool, effort: Effort) -> bytes:
    """``image`` as ``fmt``; ``KeyError`` for a format without a saver (``render`` refuses
    those first, through ``writable_formats``)."""
    saver = SAVERS[fmt]
    keep = pyvips.enums.ForeignKeep.ICC if keep_profile else pyvips.enums.ForeignKeep.NONE
    options = saver.options(Choices(quality_for(output), output, effort))
    data: bytes = getattr(image, saver.operation)(**options, keep=keep)
    return data


def quality_for(output: Output) -> int:
    """The encoder quality: ``q``, or imgix's default for the ``auto`` asked for."""
    default = COMPRESS_QUALITY if Auto.COMPRESS in output.auto else DEFAULT_QUALITY
    # imgix allows q=0; libvips' savers start at 1
    return max(1, output.q) if output.q is not None else default
