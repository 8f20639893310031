"""Image helpers for tests: fixtures, format sniffing, generated edge cases and
perceptual comparison ("looks like the reference") instead of byte equality."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pillow_heif
import pyvips
from PIL import Image

from enlarger.imaging import RenderOptions, render
from enlarger.spec.model import Output, RenderSpec

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

_MAGIC = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\xff\x0a", "jxl"),
    (b"\x00\x00\x00\x0cJXL ", "jxl"),
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def sniff(data: bytes) -> str | None:
    """The container format by magic bytes: jpeg, png, gif, webp, avif, jxl (or None)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "avif"
    return next((name for magic, name in _MAGIC if data.startswith(magic)), None)


def decode(data: bytes) -> Any:
    """Fully decoded pixels of an encoded image (in memory, so reads are cheap)."""
    return pyvips.Image.new_from_buffer(data, "").copy_memory()


def pixel(image: Any, x: int, y: int) -> list[float]:
    return [float(v) for v in image.getpoint(x, y)]


def mean_abs_diff(a: Any, b: Any) -> float:
    """Mean absolute difference per 8-bit sample, after bringing ``b`` to ``a``'s size and
    both to opaque sRGB: 0 is identical, under ~10 is "the same picture", noise is ~80."""
    a, b = _comparable(a), _comparable(b)
    if (b.width, b.height) != (a.width, a.height):
        b = b.resize(a.width / b.width, vscale=a.height / b.height)
    return float((a - b).abs().avg())


def looks_like(a: Any, b: Any, tolerance: float = 10.0) -> bool:
    return mean_abs_diff(a, b) <= tolerance


def heic(source: bytes, width: int, quality: int = 90) -> bytes:
    """``source`` scaled to ``width`` and encoded as HEIC by pillow-heif, ICC profile kept."""
    picture = Image.open(io.BytesIO(source))
    scaled = picture.resize((width, round(picture.height * width / picture.width)))
    out = io.BytesIO()
    pillow_heif.from_pillow(scaled).save(out, quality=quality)
    return out.getvalue()


def has_exif(data: bytes) -> bool:
    image = pyvips.Image.new_from_buffer(data, "")
    return bool(image.get_typeof("exif-data") != 0)


def has_icc(data: bytes) -> bool:
    image = pyvips.Image.new_from_buffer(data, "")
    return bool(image.get_typeof("icc-profile-data") != 0)


def cmyk_jpeg(rgb: bytes, *, embed_profile: bool) -> bytes:
    """A CMYK JPEG of ``rgb``, made with libvips' built-in CMYK profile."""
    image = pyvips.Image.new_from_buffer(rgb, "").copy_memory()
    cmyk = image.icc_export(output_profile="cmyk").copy_memory()
    keep = pyvips.enums.ForeignKeep.ICC if embed_profile else pyvips.enums.ForeignKeep.NONE
    data: bytes = cmyk.jpegsave_buffer(Q=95, keep=keep)
    return data


def truncated(data: bytes, share: float = 0.5) -> bytes:
    return data[: int(len(data) * share)]


def png_bomb(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG whose header claims ``width`` x ``height`` RGB pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\0" * 4096)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _comparable(image: Any) -> Any:
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    return image.colourspace("srgb").cast("uchar")


def render_bytes(
    data: bytes, spec: RenderSpec | Output, options: RenderOptions | None = None
) -> bytes:
    """``imaging.render``'s bytes, nothing accepted from a client, default limits.

    An ``Output`` alone stands for a spec with only that output (the source's own size).
    """
    full = spec if isinstance(spec, RenderSpec) else RenderSpec(output=spec)
    return render(data, full, frozenset(), options or RenderOptions()).data
