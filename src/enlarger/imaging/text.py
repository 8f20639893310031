"""Text set with libvips' ``text`` (Pango) in the DejaVu fonts the package ships
(``imaging/fonts``, Bitstream Vera licence in ``fonts/LICENSE``), so text looks the same
on every machine: Latin (accents, Vietnamese), Greek, Cyrillic, Armenian, Georgian,
Hebrew and Arabic; characters they lack (CJK, emoji) fall back to the machine's fonts.

``line_mask`` gives one text's coverage (one band, 0-255) at ``dpi`` 72, so Pango's
points are pixels; ``fitted_mask`` makes it fit a width by shrinking it or cutting the
start, the middle or the end, with or without an ellipsis.
"""

from __future__ import annotations

import functools
from html import escape
from importlib.resources import files
from typing import Any

import pyvips

from enlarger.spec.model import MarkPlacement, Text, TextClip, TextFont

_FONTS = files("enlarger.imaging") / "fonts"
#: family -> (Pango family name, regular file, bold file)
_FACES = {
    TextFont.SANS: ("DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    TextFont.SERIF: ("DejaVu Serif", "DejaVuSerif.ttf", "DejaVuSerif.ttf"),
    TextFont.MONO: ("DejaVu Sans Mono", "DejaVuSansMono.ttf", "DejaVuSansMono.ttf"),
}
_ALIGN = {MarkPlacement.START: "low", MarkPlacement.CENTER: "centre", MarkPlacement.END: "high"}
_ELLIPSIS = "\u2026"
#: Pango's units per point (letter spacing is given in them).
_PANGO_SCALE = 1024


@functools.cache
def font_file(family: TextFont, bold: bool) -> str:
    _, regular, heavy = _FACES[family]
    return str(_FONTS / (heavy if bold else regular))


def line_mask(text: Text, content: str, size: int) -> Any:
    """``content`` set in ``text``'s font at ``size`` px: one uchar band of coverage."""
    family, _, _ = _FACES[text.font]
    style = "".join([" Bold" if text.bold else "", " Italic" if text.italic else ""])
    markup = (
        f'<span letter_spacing="{text.track * _PANGO_SCALE}">{escape(content, quote=False)}</span>'
    )
    return pyvips.Image.text(
        markup,
        font=f"{family}{style} {size}",
        fontfile=font_file(text.font, text.bold),
        dpi=72,
        spacing=text.lead,
        align=_ALIGN[text.x],
    )


def fitted_mask(text: Text, width: int) -> Any:
    """``text`` set within ``width`` px: shrunk (``text.shrink``) or cut (``text.clip``)."""
    mask = line_mask(text, text.text, text.size)
    if mask.width <= width:
        return mask
    if text.shrink:
        return _shrunk(text, width, mask)
    if text.ellipsis:
        return _shortened(text, width) or _cut(mask, width, text.clip)
    return _cut(mask, width, text.clip)


def _shrunk(text: Text, width: int, mask: Any) -> Any:
    size = text.size
    while mask.width > width and size > 1:
        size = max(1, min(size - 1, int(size * width / mask.width)))
        mask = line_mask(text, text.text, size)
    return mask if mask.width <= width else _cut(mask, width, text.clip)


def _shortened(text: Text, width: int) -> Any | None:
    """The longest cut of the text with an ellipsis that fits (binary search), or None."""
    best, low, high = None, 0, len(text.text) - 1
    while low <= high:
        kept = (low + high) // 2
        mask = line_mask(text, _elided(text.text, kept, text.clip), text.size)
        if mask.width <= width:
            best, low = mask, kept + 1
        else:
            high = kept - 1
    return best


def _elided(content: str, kept: int, clip: TextClip) -> str:
    """``content`` with all but ``kept`` characters cut at ``clip`` and an ellipsis there."""
    if clip is TextClip.START:
        return _ELLIPSIS + content[len(content) - kept :]
    if clip is TextClip.END:
        return content[:kept] + _ELLIPSIS
    head = (kept + 1) // 2
    return content[:head] + _ELLIPSIS + content[len(content) - (kept - head) :]


def _cut(mask: Any, width: int, clip: TextClip) -> Any:
    """The pixels of ``mask`` that fit ``width``, cut away at the start, middle or end."""
    if clip is TextClip.END:
        return mask.crop(0, 0, width, mask.height)
    if clip is TextClip.START:
        return mask.crop(mask.width - width, 0, width, mask.height)
    head = (width + 1) // 2
    tail = width - head
    left = mask.crop(0, 0, head, mask.height)
    if not tail:
        return left
    return left.join(mask.crop(mask.width - tail, 0, tail, mask.height), "horizontal")
