"""The choices an ``Output`` is made of: formats, colour spaces, reports and ``auto`` values."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    """Output formats. ``PJPG`` is progressive JPEG."""

    JPG = "jpg"
    PJPG = "pjpg"
    PNG = "png"
    WEBP = "webp"
    AVIF = "avif"
    GIF = "gif"
    JXL = "jxl"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        return "jpg" if self is Format.PJPG else self.value


_MEDIA_TYPES = {
    Format.JPG: "image/jpeg",
    Format.PJPG: "image/jpeg",
    Format.PNG: "image/png",
    Format.WEBP: "image/webp",
    Format.AVIF: "image/avif",
    Format.GIF: "image/gif",
    Format.JXL: "image/jxl",
}


class ColorSpace(StrEnum):
    SRGB = "srgb"
    STRIP = "strip"
    ORIGIN = "origin"


class Report(StrEnum):
    """``fm`` values that describe the image instead of encoding it: its metadata
    (``json``), or a BlurHash of the render (``blurhash``)."""

    JSON = "json"
    BLURHASH = "blurhash"


class PaletteFormat(StrEnum):
    """imgix ``palette``: the render's main colours as JSON or as CSS classes."""

    JSON = "json"
    CSS = "css"


class Auto(StrEnum):
    FORMAT = "format"
    COMPRESS = "compress"
    ENHANCE = "enhance"
