"""Which formats this libvips can read and write, and what each output format can hold."""

from __future__ import annotations

import functools

import pyvips

from enlarger.imaging.savers import SAVERS
from enlarger.spec.model import Format

#: libvips loaders (the name before "load") that sources may use.
READABLE_LOADERS = frozenset({"jpeg", "png", "webp", "gif", "heif", "tiff", "jxl"})

#: formats whose encoders keep an alpha channel (GIF as 1-bit transparency).
ALPHA_FORMATS = frozenset({Format.PNG, Format.WEBP, Format.AVIF, Format.GIF, Format.JXL})


@functools.cache
def writable_formats() -> frozenset[Format]:
    """The output formats this libvips build can encode: those in ``savers.SAVERS`` whose
    saver is available (JXL only with a jxl saver, AVIF only with an AV1 encoder)."""
    return frozenset(fmt for fmt, saver in SAVERS.items() if saver.available())


def loader_name(image: pyvips.Image) -> str:
    """libvips' loader as a format name: ``jpegload_buffer`` -> ``jpeg``."""
    loader: str = image.get("vips-loader")
    return loader.split("load", 1)[0]
