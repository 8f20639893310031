"""Lossy encoders of the optimizer, at a given quality, and the score of what they wrote.

JPEG goes through libvips' mozjpeg options (trellis quantisation, quant table 3,
optimised progressive scans, overshoot deringing): at an equal SSIMULACRA2 score they
write 15-30% fewer bytes than libvips' plain (libjpeg-turbo) save. Lossy PNG is palette quantisation
(libimagequant) whose ``Q`` is the quantiser's quality, then oxipng.
"""

from __future__ import annotations

import oxipng
import pyvips

from enlarger.imaging import ssimulacra2
from enlarger.imaging.errors import decode_errors
from enlarger.imaging.optimize_source import Source

#: ``sampling_scheme`` (Kraken's names) -> libvips ``subsample_mode``. libvips writes 4:2:0
#: or 4:4:4 only, so 4:2:2 gets 4:4:4 (never less chroma than asked for).
SUBSAMPLING = {"4:2:0": "on", "4:2:2": "off", "4:4:4": "off"}
#: mozjpeg's table 3 (ImageMagick's). No one table wins on every photo: at an equal
#: SSIMULACRA2 score table 2 wrote 6-12% fewer bytes on two benchmark photos and 19% more
#: on a third, 4:4:4 won on one only; table 5's mean was 3 points better on four photos
#: (benchmarks/OPTIMIZE_RESULTS.md), too few to switch on.
_JPEG_QUANT_TABLE = 3
_WEBP_EFFORT = 4
_AVIF_EFFORT = 4
_PNG_EFFORT = 7
_OXIPNG_LEVEL = 2

LOSSY_FORMATS = frozenset({"jpeg", "webp", "avif", "png"})


def encode_lossy(source: Source, fmt: str, quality: int, sampling: str) -> bytes:
    """``source`` as ``fmt`` ("jpeg", "webp", "avif", "png") at ``quality`` (1-100)."""
    image, keep = source.image, source.keep
    with decode_errors():
        if fmt == "jpeg":
            if image.hasalpha():
                image = image.flatten(background=[255])
            return bytes(
                image.jpegsave_buffer(
                    Q=quality,
                    keep=keep,
                    subsample_mode=SUBSAMPLING[sampling],
                    optimize_coding=True,
                    interlace=True,
                    trellis_quant=True,
                    overshoot_deringing=True,
                    optimize_scans=True,
                    quant_table=_JPEG_QUANT_TABLE,
                )
            )
        if fmt == "webp":
            smart = SUBSAMPLING[sampling] == "on"
            return bytes(
                image.webpsave_buffer(
                    Q=quality, keep=keep, effort=_WEBP_EFFORT, smart_subsample=smart
                )
            )
        if fmt == "avif":
            chroma = "on" if SUBSAMPLING[sampling] == "on" else "off"
            return bytes(
                image.heifsave_buffer(
                    Q=quality,
                    keep=keep,
                    compression="av1",
                    effort=_AVIF_EFFORT,
                    subsample_mode=chroma,
                )
            )
        if fmt == "png":
            palette = image.pngsave_buffer(
                palette=True, Q=quality, effort=_PNG_EFFORT, keep=keep, compression=6
            )
            return bytes(oxipng.optimize_from_memory(bytes(palette), level=_OXIPNG_LEVEL))
    raise ValueError(f"no lossy encoder for {fmt!r}")


def score(source: Source, encoded: bytes) -> float:
    """SSIMULACRA2 of ``encoded`` against ``source``'s pixels (alpha ignored, as the
    reference does)."""
    with decode_errors():
        decoded = pyvips.Image.new_from_buffer(encoded, "")
        if decoded.format != "uchar":
            decoded = decoded.cast("uchar")
        return ssimulacra2.score(source.image, decoded)


def encode_lossless(source: Source, fmt: str) -> bytes:
    """``source`` losslessly as "png" (then oxipng), "webp" or "avif"."""
    image, keep = source.image, source.keep
    with decode_errors():
        if fmt == "png":
            png = bytes(image.pngsave_buffer(keep=keep, compression=6))
            return bytes(oxipng.optimize_from_memory(png, level=_OXIPNG_LEVEL))
        if fmt == "webp":
            return bytes(image.webpsave_buffer(lossless=True, effort=_WEBP_EFFORT, keep=keep))
        if fmt == "avif":
            return bytes(image.heifsave_buffer(lossless=True, compression="av1", keep=keep))
    raise ValueError(f"no lossless encoder for {fmt!r}")
