"""Which formats this libvips can read and write, and what each output format can hold."""

from __future__ import annotations

import functools

import pyvips

from enlarger.spec.model import Format

#: libvips loaders (the name before "load") that sources may use.
READABLE_LOADERS = frozenset({"jpeg", "png", "webp", "gif", "heif", "tiff", "jxl"})

#: formats whose encoders keep an alpha channel (GIF as 1-bit transparency).
ALPHA_FORMATS = frozenset({Format.PNG, Format.WEBP, Format.AVIF, Format.GIF, Format.JXL})

_SAVERS = {
    Format.JPG: "jpegsave_buffer",
    Format.PJPG: "jpegsave_buffer",
    Format.PNG: "pngsave_buffer",
    Format.WEBP: "webpsave_buffer",
    Format.AVIF: "heifsave_buffer",
    Format.GIF: "gifsave_buffer",
    Format.JXL: "jxlsave_buffer",
}


@functools.cache
def writable_formats() -> frozenset[Format]:
    """The output formats this libvips build can encode (JXL only with a jxl saver).

    AVIF needs more than the heif saver: libheif may have been built with HEVC only, so
    one tiny image is encoded to find out.
    """
    found = {fmt for fmt, saver in _SAVERS.items() if _has_operation(saver)}
    if Format.AVIF in found and not _encodes_av1():
        found.discard(Format.AVIF)
    return frozenset(found)


def loader_name(image: pyvips.Image) -> str:
    """libvips' loader as a format name: ``jpegload_buffer`` -> ``jpeg``."""
    loader: str = image.get("vips-loader")
    return loader.split("load", 1)[0]


def _encodes_av1() -> bool:
    try:
        pyvips.Image.black(8, 8).heifsave_buffer(compression="av1", effort=0)
    except pyvips.Error:
        return False
    return True


def _has_operation(name: str) -> bool:
    try:
        pyvips.Operation.new_from_name(name)
    except pyvips.Error:
        return False
    return True
