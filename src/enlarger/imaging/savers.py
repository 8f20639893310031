"""The one table of output formats: each ``Format``'s libvips saver, its options, and the
check that this build can write it. ``encode`` and ``writable_formats`` both read it, so
a format is writable exactly when it has a saver here.

Every ``Format`` is either in ``SAVERS`` or in ``REFUSED`` (a format the URL grammar
names but no saver writes: renders refuse it with 400); a test holds this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pyvips

from enlarger.spec.model import Auto, Format, Output

#: imgix ``chromasub`` -> libvips ``subsample_mode``. libvips writes 4:2:0 or 4:4:4 only,
#: so 4:2:2 gets the full-resolution 4:4:4 (never less chroma than asked for).
#: imgix defaults to 4:2:0 at every quality (libvips' "auto" turns it off from Q 90).
_SUBSAMPLE = {444: "off", 422: "off", 420: "on"}


@dataclass(frozen=True, slots=True)
class Effort:
    """How hard each encoder works, traded between bytes and CPU. The defaults were chosen
    by measurement (``benchmarks/RESULTS.md``, "Encoder settings"); none changes a pixel
    except WebP and AVIF effort, which change how the encoder spends its bits.
    """

    #: optimised Huffman tables: 7-18% fewer bytes for about 2x the JPEG encode time; on,
    #: as thumbor, imgproxy and sharp have it (an origin's bytes are served many times).
    jpeg_optimize_coding: bool = True
    #: above this many output pixels the tables stay standard: optimising them makes the
    #: encoder hold every coefficient for a second pass, 5.5 bytes a pixel at 4:2:0 and 11
    #: at 4:4:4 (measured: a 24 MP photo's encode takes 157 MB instead of 25).
    jpeg_optimize_coding_max_pixels: int = 4_000_000
    #: zlib level and row filter (libvips' ``filter`` name: none, sub, up, avg, paeth, all).
    png_compression: int = 2
    png_filter: str = "sub"
    webp_effort: int = 2
    #: libvips' default 4 takes seconds at 2 K. 0 against 1: half the CPU, 1-14% more bytes
    #: and SSIMULACRA2 1.7 points lower (benchmarks/RESULTS.md, "Encoder settings").
    avif_effort: int = 0


@dataclass(frozen=True, slots=True)
class Choices:
    """What a saver's options depend on: the output's quality, the spec's output and the
    configured effort."""

    quality: int
    output: Output
    effort: Effort
    #: the image's pixels (every frame's).
    pixels: int


def optimizes_jpeg_coding(effort: Effort, pixels: int) -> bool:
    return effort.jpeg_optimize_coding and pixels <= effort.jpeg_optimize_coding_max_pixels


def buffers_whole_jpeg(fmt: Format, effort: Effort, pixels: int) -> bool:
    """Whether the JPEG encoder holds the whole image's coefficients (for progressive
    scans or optimised Huffman tables) rather than streaming it row by row."""
    return fmt is Format.PJPG or (fmt is Format.JPG and optimizes_jpeg_coding(effort, pixels))


Options = Callable[[Choices], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Saver:
    """A libvips ``operation`` (``*save_buffer``) and the options it gets besides ``keep``.

    ``encodes`` is a check beyond the operation existing (run once, by
    ``writable_formats``), for savers whose codecs depend on how libvips was built.
    """

    operation: str
    options: Options
    encodes: Callable[[], bool] | None = None

    def available(self) -> bool:
        try:
            pyvips.Operation.new_from_name(self.operation)
        except pyvips.Error:
            return False
        return self.encodes is None or self.encodes()


def _jpeg(progressive: bool) -> Options:
    def options(choices: Choices) -> dict[str, Any]:
        return {
            "Q": choices.quality,
            "interlace": progressive,
            "optimize_coding": optimizes_jpeg_coding(choices.effort, choices.pixels),
            "subsample_mode": _SUBSAMPLE[choices.output.chromasub or 420],
        }

    return options


def _png(choices: Choices) -> dict[str, Any]:
    return {
        "compression": choices.effort.png_compression,
        "filter": choices.effort.png_filter,
        "palette": Auto.COMPRESS in choices.output.auto,
    }


def _lossy_or_lossless(choices: Choices) -> dict[str, Any]:
    return {"Q": choices.quality, "lossless": choices.output.lossless}


def _webp(choices: Choices) -> dict[str, Any]:
    return {**_lossy_or_lossless(choices), "effort": choices.effort.webp_effort}


def _avif(choices: Choices) -> dict[str, Any]:
    return {
        **_lossy_or_lossless(choices),
        "compression": "av1",
        "effort": choices.effort.avif_effort,
    }


def _gif(_: Choices) -> dict[str, Any]:
    return {}


def _encodes_av1() -> bool:
    """libheif may have been built with HEVC only: encode one tiny image to find out."""
    try:
        pyvips.Image.black(8, 8).heifsave_buffer(compression="av1", effort=0)
    except pyvips.Error:
        return False
    return True


SAVERS: Mapping[Format, Saver] = {
    Format.JPG: Saver("jpegsave_buffer", _jpeg(progressive=False)),
    Format.PJPG: Saver("jpegsave_buffer", _jpeg(progressive=True)),
    Format.PNG: Saver("pngsave_buffer", _png),
    Format.WEBP: Saver("webpsave_buffer", _webp),
    Format.AVIF: Saver("heifsave_buffer", _avif, encodes=_encodes_av1),
    Format.GIF: Saver("gifsave_buffer", _gif),
    Format.JXL: Saver("jxlsave_buffer", _lossy_or_lossless),
}

#: formats no saver writes (none today).
REFUSED: frozenset[Format] = frozenset()
