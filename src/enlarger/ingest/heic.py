"""HEIC through pillow-heif: libvips here (pyvips-binary) has no HEVC decoder.

Decision: a HEIC upload is stored exactly as uploaded (its key promises the sha256 of
its bytes, and the original stays the camera's file); what needs pixels (validation,
preview, the store origin before a render) decodes it here and hands on a PNG.
"""

from __future__ import annotations

import io

import pillow_heif
from PIL import Image

from enlarger.errors import UnprocessableImage
from enlarger.ingest.sniff import HEIC
from enlarger.spec.facts import SourceFacts


def renderable(image_format: str, data: bytes) -> bytes:
    """The bytes libvips should render for a stored original of ``image_format``."""
    return heic_to_png(data) if image_format == HEIC.name else data


def heic_facts(data: bytes) -> SourceFacts:
    """Header facts of a HEIC image (pillow-heif applies rotation/mirroring itself)."""
    try:
        heif = pillow_heif.open_heif(data, convert_hdr_to_8bit=True)
        width, height = heif.size
        has_alpha = bool(heif.has_alpha)
        pages = len(heif)
    except (ValueError, RuntimeError, OSError) as exc:
        raise UnprocessableImage("the HEIC image could not be read", reason=str(exc)) from exc
    return SourceFacts(
        width=width,
        height=height,
        loader="heif",
        has_alpha=has_alpha,
        bands=4 if has_alpha else 3,
        pages=pages,
    )


def decode_heic(data: bytes) -> Image.Image:
    """Decode the primary image fully (HEVC has no shrink-on-load); 422 when corrupt."""
    try:
        heif = pillow_heif.open_heif(data, convert_hdr_to_8bit=True)
        image = heif.to_pillow()
        image.load()
    except (ValueError, RuntimeError, OSError) as exc:
        raise UnprocessableImage("the HEIC image could not be decoded", reason=str(exc)) from exc
    return image


def heic_to_png(data: bytes) -> bytes:
    """A lossless PNG of the HEIC's primary image, ICC profile kept, for libvips to render."""
    image = decode_heic(data)
    out = io.BytesIO()
    icc = image.info.get("icc_profile")
    image.save(out, "PNG", compress_level=1, icc_profile=icc)
    return out.getvalue()
