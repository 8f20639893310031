"""HEIC through pillow-heif: libvips here (pyvips-binary) reads HEIF headers but has no
HEVC decoder. AV1-coded HEIF (AVIF) stays with libvips.

pillow-heif applies the container's rotation and mirroring itself, so a HEIC's facts are
upright (orientation 1). HEVC has no shrink-on-load: the primary image is decoded in full
(after the pixel limit was checked on the header) and libvips shrinks it afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

import pyvips

from enlarger.errors import UnprocessableImage
from enlarger.spec.facts import SourceFacts

#: ``SourceFacts.loader`` of HEIF that is not AV1-coded (libvips' name for its loader).
HEIC_LOADER = "heif"


def heic_facts(data: bytes) -> SourceFacts:
    """Header facts of a HEIC image, as pillow-heif will decode it (its primary image: one
    frame); 422 when unreadable."""
    with _heic_errors("read"):
        heif = _pillow_heif().open_heif(data, convert_hdr_to_8bit=True)
        grey = heif.mode.startswith("L")
        has_alpha = bool(heif.has_alpha)
        return SourceFacts(
            width=heif.size[0],
            height=heif.size[1],
            loader=HEIC_LOADER,
            has_alpha=has_alpha,
            bands=(1 if grey else 3) + has_alpha,
            interpretation="b-w" if grey else "srgb",
            has_icc=bool(heif.info.get("icc_profile")),
        )


def decode_heic(data: bytes, facts: SourceFacts) -> pyvips.Image:
    """The primary image, fully decoded into memory with ``facts``' bands and its ICC profile."""
    mode = ("L" if facts.greyscale else "RGB") + ("A" if facts.has_alpha else "")
    with _heic_errors("decoded"):
        heif = _pillow_heif().open_heif(data, convert_hdr_to_8bit=True)
        picture = heif.to_pillow()
        if picture.mode != mode:
            picture = picture.convert(mode)
        pixels = picture.tobytes()
    image = pyvips.Image.new_from_memory(
        pixels, picture.width, picture.height, len(mode), "uchar"
    ).copy(interpretation=facts.interpretation)
    icc = heif.info.get("icc_profile")
    if icc:
        image.set_type(pyvips.GValue.blob_type, "icc-profile-data", bytes(icc))
    return image


def _pillow_heif() -> ModuleType:
    """pillow-heif, imported on first use: it costs ~12 MB a process, and only HEIC
    sources need it."""
    import pillow_heif

    return pillow_heif


@contextmanager
def _heic_errors(action: str) -> Iterator[None]:
    try:
        yield
    except (ValueError, RuntimeError, OSError) as exc:
        raise UnprocessableImage(f"the HEIC image could not be {action}", reason=str(exc)) from exc
